import Foundation
import Logging

/// The single owner of load and unload decisions, modelled on Ollama's own scheduler
/// (server/sched.go): one decision at a time, each on the truth read just before it.
///
/// A caller asks for a lease (a role, the context it wants). The governor reads
/// `/api/ps`, `/proc/meminfo` and PSI afresh; grants at once when the model is
/// resident with room enough; otherwise it makes room — unloading idle models, least
/// recently used first, never a leased one, and waiting until Ollama and the kernel
/// show them gone — and loads the model itself under its own load timeout. It refuses
/// a load that would put MemAvailable into the OS reserve, exceed the Trinity budget,
/// or exceed OLLAMA_MAX_LOADED_MODELS, and grants nothing under memory pressure. Every
/// call carries the keep_alive it chose; when a cycle ends it unloads what it no longer
/// needs, so between cycles the person has the machine's memory back.
public actor Governor {
    public let settings: GovernorSettings
    let client: OllamaClient
    let memory: MemorySource
    let logger: Logger
    var profiles: [Role: ModelProfile] = [:]
    private var missing: [Role: String] = [:]
    /// The last `/api/ps` reading, keyed by normalized name.
    var view: [String: ResidentModel] = [:]
    /// The num_ctx each model was loaded with by this governor.
    var loadedContext: [String: Int] = [:]
    private var holders: [String: Int] = [:]
    private var lastUsed: [String: Int] = [:]
    var correction: [String: Double] = [:]
    private var cachedPlan: MemoryPlan?
    private var nextID = 0
    private var tick = 0
    private var turn = DecisionTurn()
    /// Models the governor itself unloaded or loaded since the last reading, so the
    /// next reading does not count them as Ollama's doing.
    var expectedGone: Set<String> = []
    var expectedNew: Set<String> = []
    var trend = MemoryTrend()
    var publisher: (@Sendable (GovernorView) -> Void)?
    public internal(set) var stats = GovernorStats()
    /// Every load and unload the governor caused, in order (for reports and tests).
    public internal(set) var loads: [String] = []
    public internal(set) var unloads: [String] = []

    public init(client: OllamaClient, memory: MemorySource, settings: GovernorSettings, logger: Logger) {
        self.client = client
        self.memory = memory
        self.settings = settings
        self.logger = logger
    }

    // MARK: one decision at a time

    /// Runs `body` alone: no other decision of this governor starts until it ends,
    /// whatever it awaits.
    func exclusive<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        if !turn.tryTake() { await withCheckedContinuation { turn.enqueue($0) } }
        defer { turn.pass() }
        return try await body()
    }

    // MARK: what the roles are

    /// Learns each role's model from Ollama: weights from `/api/tags`, KV size and
    /// trained context from `/api/show`; then what Ollama holds. A model Ollama lacks
    /// is remembered with the `ollama pull` that fixes it. The new picture replaces the
    /// old one whole, inside one decision, so a lease never sees it half made.
    public func prepare(models: [Role: String]) async throws(OllamaError) {
        try await exclusive { () async throws(OllamaError) in
            let tags = try await client.tags()
            var found: [Role: ModelProfile] = [:], absent: [Role: String] = [:]
            for (role, model) in models.sorted(by: { $0.key < $1.key }) {
                guard let tag = tags.first(where: { ModelName.same($0.name, model) }) else {
                    absent[role] = "ollama pull \(model)"
                    continue
                }
                do throws(OllamaError) {
                    let info = try await client.show(model).model_info ?? [:]
                    let p = KnownModels.profile(role: role, model: model, weightsBytes: tag.size ?? 0, info: info,
                                                cacheType: settings.cacheType, parallel: settings.numParallel)
                    for w in p.warnings { logger.warning("\(w)", metadata: ["model": "\(model)"]) }
                    found[role] = p
                } catch {
                    guard case .modelNotFound(_, let pull) = error else { throw error }
                    absent[role] = pull
                }
            }
            let running = try await client.running()
            profiles = found
            missing = absent
            cachedPlan = nil
            reconcile(running)
            published()
        }
    }

    /// Installs profiles directly (plans for a machine, tests of the arithmetic).
    public func install(_ p: [ModelProfile]) {
        for x in p { profiles[x.role] = x }
        cachedPlan = nil
    }

    /// The plan for the current profiles. Its contexts depend on the budget and the
    /// machine's size, not on the moment's MemAvailable (each load checks that afresh),
    /// so it is kept until the profiles change.
    public func plan() -> MemoryPlan {
        if let p = cachedPlan { return p }
        let p = MemoryPlan.make(profiles.values.sorted { $0.role < $1.role }, budget: settings.budget, snapshot: memory.read())
        cachedPlan = p
        return p
    }

    // MARK: leases

    /// A lease for `role`, with at most `wantedContext` tokens, decided on a fresh
    /// reading of Ollama and of the machine's memory.
    public func lease(_ role: Role, wantedContext: Int) async throws(Refusal) -> Lease {
        do {
            return try await exclusive { () async throws(Refusal) -> Lease in try await decide(role, wantedContext) }
        } catch {
            stats.refusals += 1
            throw error
        }
    }

    public func release(_ lease: Lease) {
        let key = ModelName.normalized(lease.model)
        holders[key, default: 1] -= 1
        if holders[key] == 0 { holders[key] = nil }
        tick += 1
        lastUsed[key] = tick
        published()
    }

    private func decide(_ role: Role, _ wantedContext: Int) async throws(Refusal) -> Lease {
        guard let p = profiles[role] else {
            if let pull = missing[role] { throw Refusal(kind: .modelMissing, role: role, reason: "model not pulled: run `\(pull)`") }
            throw Refusal(kind: .unknownRole, role: role, reason: "no model configured for \(role)")
        }
        let context = contextFor(p, wantedContext)
        let key = ModelName.normalized(p.model)
        let truth = try await readTruth(role)
        if let r = truth.resident[key], let loaded = r.context, loaded >= context, try await keep(r, p) {
            return grant(role, p.model, loaded)  // resident with room enough: no load
        }
        try await makeRoom(for: p, context: context)
        let seconds = try await load(p, context: context)
        return grant(role, p.model, context, loadSeconds: seconds)
    }

    /// Whether a resident model can be granted as it is. One whose keep_alive is about
    /// to run out has its timer reset first (a load call that finds it resident reloads
    /// nothing); one that would be gone before the call could reach it is waited out,
    /// and then loaded like any other — never reloaded by Ollama behind the governor.
    private func keep(_ r: ResidentModel, _ p: ModelProfile) async throws(Refusal) -> Bool {
        guard let left = r.secondsLeft(), left < settings.touchWithin.seconds else { return true }
        if left > settings.expiryGrace.seconds, let context = r.context {
            do {
                try await loadCall(r.name, p.role, context: context, keepAlive: settings.keepAliveInCycle)
                return true
            } catch {
                throw Refusal(kind: .ollama, role: p.role, reason: "could not extend \(r.name)'s keep_alive: \(error)")
            }
        }
        let key = ModelName.normalized(r.name)
        let deadline = ContinuousClock.now + settings.expiryGrace + .seconds(2)
        while try await readTruth(p.role).resident[key] != nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The context to ask for: the wish, within the plan's grant and the model's
    /// trained context, never below the budget's minimum.
    private func contextFor(_ p: ModelProfile, _ wanted: Int) -> Int {
        let plan = self.plan()
        if plan.snapshot.memTotal == nil { cachedPlan = nil }  // unreadable /proc: re-read next time
        let granted = min(max(wanted, 1), plan.role(p.role)?.grantedContext ?? settings.budget.minContext)
        return max(min(granted, p.trainedContext), min(settings.budget.minContext, p.trainedContext))
    }

    private func grant(_ role: Role, _ model: String, _ context: Int, loadSeconds: Double = 0) -> Lease {
        let key = ModelName.normalized(model)
        nextID += 1
        tick += 1
        holders[key, default: 0] += 1
        lastUsed[key] = tick
        defer { published() }
        return Lease(id: nextID, role: role, model: model, contextTokens: context, keepAlive: settings.keepAliveInCycle,
                     loadSeconds: loadSeconds)
    }

    func isLeased(_ key: String) -> Bool { holders[key, default: 0] > 0 }

    /// The idle model to unload first: least recently used, never one under a lease.
    func victim(in resident: [String: ResidentModel], sparing key: String) -> String? {
        resident.keys.filter { $0 != key && !isLeased($0) }.min { (lastUsed[$0] ?? 0, $0) < (lastUsed[$1] ?? 0, $1) }
    }

    public func correctionFactor(_ model: String) -> Double { correction[ModelName.normalized(model)] ?? 1 }

    // MARK: what is resident

    /// The models Ollama held at the governor's last reading.
    public func residentModels() -> [String] { view.values.map(\.name).sorted() }

    /// The governor's view of each resident model: Ollama's figures, its leases, its role.
    public func governed() -> [GovernedModel] {
        view.sorted { $0.key < $1.key }.map { key, m in
            GovernedModel(model: m, leases: holders[key, default: 0],
                          role: profiles.values.first { ModelName.normalized($0.model) == key }?.role)
        }
    }

    /// Reads `/api/ps` and the machine's memory now, and brings the view up to date.
    func readTruth(_ role: Role) async throws(Refusal) -> Truth {
        let running: [OllamaAPI.RunningModel]
        do { running = try await client.running() } catch {
            throw Refusal(kind: .ollama, role: role, reason: "cannot read Ollama's loaded models (/api/ps): \(error)")
        }
        reconcile(running)
        let snapshot = memory.read()
        let truth = Truth(resident: view, memory: snapshot)
        // What the rest of the machine leaves: the models' own loads and unloads move
        // MemAvailable too, and must not read as another process allocating.
        trend.record(snapshot.memAvailable.map { $0 + truth.heldBytes })
        return truth
    }

    /// Replaces the view with Ollama's list: models it dropped on its own are
    /// forgotten (and counted), models the governor did not load are adopted.
    func reconcile(_ running: [OllamaAPI.RunningModel]) {
        var now: [String: ResidentModel] = [:]
        for m in running {
            let key = ModelName.normalized(m.name)
            now[key] = ResidentModel(name: m.name, bytes: m.size ?? 0, context: loadedContext[key] ?? m.context_length,
                                     expiresAt: m.expires_at)
        }
        let change = ResidencyChange.between(view, now, expectedGone: expectedGone, expectedNew: expectedNew)
        for name in change.dropped {
            logger.notice("Ollama dropped \(name) on its own (keep_alive ran out, its own eviction or a restart)",
                          metadata: ["model": "\(name)"])
            loadedContext[ModelName.normalized(name)] = nil
        }
        for name in change.adopted {
            let key = ModelName.normalized(name)
            let used = profiles.values.contains { ModelName.normalized($0.model) == key }
            logger.log(level: used ? .info : .warning,
                       "Ollama has \(name) loaded\(used ? "" : ", which no role uses"); counting its \(gb(now[key]?.bytes ?? 0))",
                       metadata: ["model": "\(name)"])
        }
        stats.droppedByOllama += change.dropped.count
        stats.adopted += change.adopted.count
        expectedGone = expectedGone.filter { now[$0] != nil }  // still on its way out
        expectedNew = expectedNew.filter { now[$0] == nil }
        view = now
    }
}

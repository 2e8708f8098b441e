import Foundation
import Logging

/// The single owner of load and unload decisions. Callers ask for a lease (a role,
/// the context they want) and get a grant — perhaps with a smaller context — or a
/// refusal with the reason. Before a load that would not fit, it unloads idle
/// models, least recently used first, never one under a lease; it refuses a load
/// that would eat into the OS reserve, and grants nothing while memory pressure or
/// MemAvailable cross their limits. After each call it compares its estimate of the
/// model's memory with what `/api/ps` reports and keeps the correction.
public actor Governor {
    public let settings: GovernorSettings
    let client: OllamaClient
    let memory: MemorySource
    let logger: Logger
    private var profiles: [Role: ModelProfile] = [:]
    private var missing: [Role: String] = [:]
    private var resident: [String: Resident] = [:]
    private var holders: [String: Int] = [:]
    private var correction: [String: Double] = [:]
    private var cachedPlan: MemoryPlan?
    private var nextID = 0
    private var tick = 0
    /// Every load the governor caused, in order (for reports and tests).
    public private(set) var loads: [String] = []
    public private(set) var unloads: [String] = []

    struct Resident: Equatable {
        var context: Int
        var bytes: Int64
        var lastUsed: Int
    }

    public init(client: OllamaClient, memory: MemorySource, settings: GovernorSettings, logger: Logger) {
        self.client = client
        self.memory = memory
        self.settings = settings
        self.logger = logger
    }

    /// Learns each role's model from Ollama: weights from `/api/tags`, KV size and
    /// trained context from `/api/show`. A model Ollama lacks is remembered with the
    /// `ollama pull` that fixes it.
    public func prepare(models: [Role: String]) async throws(OllamaError) {
        let tags = try await client.tags()
        for (role, model) in models {
            profiles[role] = nil
            missing[role] = nil
            cachedPlan = nil
            guard let tag = tags.first(where: { $0.name == model || $0.name == model + ":latest" }) else {
                missing[role] = "ollama pull \(model)"
                continue
            }
            do {
                let info = try await client.show(model).model_info ?? [:]
                profiles[role] = KnownModels.profile(role: role, model: model, weightsBytes: tag.size ?? 0, info: info,
                                                     cacheType: settings.cacheType)
                for w in profiles[role]!.warnings { logger.warning("\(w)", metadata: ["model": "\(model)"]) }
            } catch .modelNotFound(_, let pull) {
                missing[role] = pull
            }
        }
        try await syncResident()
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

    /// A lease for `role`, with at most `wantedContext` tokens.
    public func lease(_ role: Role, wantedContext: Int) async throws(Refusal) -> Lease {
        guard let p = profiles[role] else {
            if let pull = missing[role] { throw Refusal(kind: .modelMissing, role: role, reason: "model not pulled: run `\(pull)`") }
            throw Refusal(kind: .unknownRole, role: role, reason: "no model configured for \(role)")
        }
        let plan = self.plan()
        if plan.snapshot.memTotal == nil { cachedPlan = nil }  // unreadable /proc: re-read next time
        let granted = min(max(wantedContext, 1), plan.role(role)?.grantedContext ?? settings.budget.minContext)
        let context = max(min(granted, p.trainedContext), min(settings.budget.minContext, p.trainedContext))
        if let r = resident[p.model], r.context >= context {
            return grant(role, p.model, r.context)  // already loaded with room enough: no load
        }
        let snapshot = memory.read()
        try checkPressure(role, snapshot)
        let need = estimate(p, context)
        try await makeRoom(for: p, need: need, snapshot: snapshot)
        resident[p.model] = Resident(context: context, bytes: need, lastUsed: tick)
        loads.append(p.model)
        return grant(role, p.model, context)
    }

    public func release(_ lease: Lease) {
        holders[lease.model, default: 1] -= 1
        if holders[lease.model] == 0 { holders[lease.model] = nil }
        tick += 1
        resident[lease.model]?.lastUsed = tick
    }

    /// After a call: what `/api/ps` says the model holds, against the estimate. The
    /// ratio corrects the next plan for that model (bounded to ×0.5…×2).
    public func observe(after lease: Lease) async {
        guard let running = try? await client.running(),
              let ps = running.first(where: { $0.name == lease.model }), let actual = ps.size, actual > 0,
              let p = profiles[lease.role] else { return }
        let raw = rawEstimate(p, lease.contextTokens)
        let ratio = min(max(Double(actual) / Double(max(raw, 1)), 0.5), 2.0)
        correction[lease.model] = ratio
        resident[lease.model]?.bytes = actual
        if abs(ratio - 1) > 0.1 {
            logger.notice("memory estimate for \(lease.model) off by \(Int((ratio - 1) * 100))%; corrected",
                          metadata: ["model": "\(lease.model)"])
        }
    }

    public func correctionFactor(_ model: String) -> Double { correction[model] ?? 1 }

    // MARK: decisions

    private func grant(_ role: Role, _ model: String, _ context: Int) -> Lease {
        nextID += 1
        tick += 1
        holders[model, default: 0] += 1
        resident[model]?.lastUsed = tick
        return Lease(id: nextID, role: role, model: model, contextTokens: context)
    }

    private func checkPressure(_ role: Role, _ s: MemorySnapshot) throws(Refusal) {
        if let full = s.pressureFullAvg10, full > settings.maxPressureFullAvg10 {
            throw Refusal(kind: .pressure, role: role,
                          reason: "memory pressure: PSI full avg10 \(full)% > \(settings.maxPressureFullAvg10)%")
        }
        guard let available = s.memAvailable else {
            throw Refusal(kind: .reserve, role: role, reason: "MemAvailable unknown: no load without it")
        }
        if available < settings.budget.osReserveBytes + settings.minAvailableBeyondReserve {
            throw Refusal(kind: .reserve, role: role,
                          reason: "MemAvailable \(gb(available)) is within the OS reserve (\(gb(settings.budget.osReserveBytes)))")
        }
    }

    /// Unloads idle models, least recently used first, until `need` fits both the
    /// Trinity budget and the machine's MemAvailable above the OS reserve.
    private func makeRoom(for p: ModelProfile, need: Int64, snapshot: MemorySnapshot) async throws(Refusal) {
        var available = snapshot.memAvailable ?? 0
        // A reload of the same model (a bigger context) frees its old size first.
        if let old = resident[p.model] {
            if holders[p.model, default: 0] > 0 {
                throw Refusal(kind: .wouldNotFit, role: p.role, reason: "\(p.model) is leased with a smaller context")
            }
            try await unload(p.model, role: p.role)
            available += old.bytes
        }
        func fits() -> Bool {
            let held = resident.values.reduce(Int64(0)) { $0 + $1.bytes }
            return held + need <= settings.budget.trinityBytes && available - need >= settings.budget.osReserveBytes
        }
        while !fits() {
            guard let victim = resident.filter({ holders[$0.key, default: 0] == 0 }).min(by: { $0.value.lastUsed < $1.value.lastUsed }) else {
                let leased = resident.keys.sorted().joined(separator: ", ")
                throw Refusal(kind: available - need < settings.budget.osReserveBytes ? .reserve : .wouldNotFit, role: p.role,
                              reason: "\(p.model) needs \(gb(need)); only leased models remain (\(leased)) and "
                                  + "MemAvailable is \(gb(available)) with \(gb(settings.budget.osReserveBytes)) reserved")
            }
            try await unload(victim.key, role: p.role)
            available += victim.value.bytes
        }
    }

    private func unload(_ model: String, role: Role) async throws(Refusal) {
        do { try await client.unload(model) } catch {
            throw Refusal(kind: .ollama, role: role, reason: "could not unload \(model): \(error)")
        }
        resident[model] = nil
        unloads.append(model)
        logger.info("unloaded \(model) to make room", metadata: ["model": "\(model)"])
    }

    func rawEstimate(_ p: ModelProfile, _ context: Int) -> Int64 {
        let kv = Double(context) * (p.kvBytesPerToken ?? 262_144)
        return p.weightsBytes + Int64(Double(p.weightsBytes) * settings.budget.overheadFraction) + Int64(kv)
    }

    func estimate(_ p: ModelProfile, _ context: Int) -> Int64 {
        Int64(Double(rawEstimate(p, context)) * (correction[p.model] ?? 1))
    }

    /// Adopts what Ollama already has loaded (a restart must not assume an empty GPU).
    /// A model the governor has no profile for is kept, with its reported size.
    private func syncResident() async throws(OllamaError) {
        for m in try await client.running() {
            if resident[m.name] == nil {
                if profiles.values.first(where: { $0.model == m.name }) == nil {
                    logger.warning("Ollama has \(m.name) loaded, which no role uses; counting its \(gb(m.size ?? 0))",
                                   metadata: ["model": "\(m.name)"])
                }
                resident[m.name] = Resident(context: m.context_length ?? 2048, bytes: m.size ?? 0, lastUsed: 0)
            }
        }
    }

    public func residentModels() -> [String] { resident.keys.sorted() }
}

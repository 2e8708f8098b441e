import Cycle
import FeedbackLoop
import Foundation
import Logging
import OllamaSimulator
import StateStore
import Trinity
import Workers

/// The governor soak's hybrid facet: a keyed OpenAI-compatible API (a second
/// simulator) for the Architect, its faults at random, and the night's cap checked
/// against the store's ledger after every morning.
struct RemoteSoak {
    let api: OllamaSimulator
    let settings: RemoteSettings

    static func start(dir: String, cap: Double, store: StateStore, logger: Logger) async throws -> RemoteSoak? {
        guard cap > 0 else { return nil }
        let key = "sk-soak-\(UInt64.random(in: 1...UInt64.max))"
        try key.write(toFile: dir + "/api-key", atomically: true, encoding: .utf8)
        var c = SimulatorConfiguration()
        c.apiKey = key
        c.meminfoPath = dir + "/api-meminfo"
        let api = OllamaSimulator(configuration: c)
        try await api.start()
        let settings = RemoteSettings(base: await api.baseURL + "/v1", model: ModelCatalog.codestral.name, key: .file(dir + "/api-key"),
                                      budgetUSDPerNight: cap, inputUSDPerMillion: 1.25, outputUSDPerMillion: 10)
        return RemoteSoak(api: api, settings: settings)
    }

    func stop() async throws { try await api.stop() }

    /// Three narrations of the night's report; on even nights (the first included) the
    /// local Architect is missing, so each goes remote — or reads the night's answer
    /// already used — until the cap says no.
    func mornings(night n: Int, store: StateStore, client: OllamaClient, governor: Governor, now: Microseconds,
                  rng: inout SoakRandom, logger: Logger, _ f: inout Figures) async throws {
        var models = GovernorSoak.models
        if n % 2 == 0 { models[.architect] = "codestral:not-pulled" }
        let workers = ModelWorkers(client: client, governor: governor, models: models, logger: logger)
        let architect = RemoteArchitect(settings: settings, store: store, deadline: .seconds(3), clock: { now }, logger: logger)
        let utc = TimeZone(identifier: "UTC")!
        let time = ClockTime(hour: 7, minute: 0)
        let night = Night.ending(on: Night.latestDate(atOrBefore: now, at: time, in: utc), at: time, in: utc)
        for _ in 0..<3 {
            switch Int(rng.unit() * 6) {
            case 0: await api.inject(.stall, path: "/v1/chat/completions")
            case 1: await api.inject(.noUsage, path: "/v1/chat/completions")
            case 2:
                await api.setRetryAfter(seconds: 1)
                await api.inject(.rateLimited, path: "/v1/chat/completions")
            case 3: await api.inject(.salad, path: "/api/chat")  // the answer refused: nothing kept, the next asks again
            default: break
            }
            let report = try await MorningReporter(store: store).make(night, zone: utc, cycleIntervalSeconds: 3600, generatedAt: now,
                                                                      origin: .daemon, narrator: workers.narrator(remote: architect))
            await api.clearFaults()
            f.mornings += 1
            if report.narrative.author.contains("(remote, ") { f.remoteNarrated += 1 }  // its own count, not the local's
            else if report.narrative.author.hasPrefix(GovernorSoak.models[.architect] ?? "?") && report.narrative.note == nil { f.narrated += 1 }
        }
        let spent = try store.remoteSpend(night: night.date)
        f.highestNightUSD = max(f.highestNightUSD, spent.spentUSD)
        if spent.spentUSD > settings.budgetUSDPerNight + 1e-12 { f.nightsOverCap += 1 }
        var total = try store.remoteTotals()
        total.capUSD = settings.budgetUSDPerNight
        f.remote = total
    }
}

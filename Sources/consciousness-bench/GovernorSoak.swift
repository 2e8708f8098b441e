import ArgumentParser
import Cycle
import FeedbackLoop
import Foundation
import Logging
import OllamaSimulator
import SampleLog
import StateStore
import Trinity
import Workers

/// `consciousness-bench governor-soak`: simulated nights against an Ollama that acts on
/// its own. Each night is 24 hourly cycles on a growing log and a morning report, with
/// the daemon's own parts (cycle runner, workers, governor) against the simulator: keep_alive
/// expiry in seconds (time scaled), at most 3 loaded models, and an external memory hog
/// that rises and falls in the simulated machine's meminfo. The simulator checks, at the
/// moment every load completes, that MemAvailable is at least OS_RESERVE_GB and the
/// resident models hold at most TRINITY_BUDGET_GB; any breach is a violation and the soak
/// exits 1. In hybrid (the default here) each morning is asked three times, the local
/// Architect missing on every other night (the first included), against a keyed remote API that stalls,
/// rate-limits or drops `usage` at random, under a cap of about two calls a night: a night
/// whose ledger passes its cap is a violation too.
struct GovernorSoak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governor-soak", abstract: "Nights of cycles against a self-willed Ollama; prints loads, refusals, evictions, violations.")

    @Option(help: "Nights of 24 cycles and a morning report.") var nights = 1
    @Option(name: .customLong("mem-total-gb")) var memTotalGB = 40.0
    @Option(name: .customLong("reserve-gb"), help: "OS_RESERVE_GB.") var reserveGB = 8.0
    @Option(name: .customLong("budget-gb"), help: "TRINITY_BUDGET_GB.") var budgetGB = 20.0
    @Option(name: .customLong("hog-max-gb"), help: "The external hog's peak.") var hogMaxGB = 30.0
    @Option(name: .customLong("hog-period-s"), help: "The hog's rise and fall, in seconds.") var hogPeriod = 17.0
    @Option(name: .customLong("keep-alive-scale"), help: "Real seconds of keep_alive per second the governor asks for.") var keepAliveScale = 0.004
    @Option(help: "The most real seconds between two cycles (a random pause).") var pause = 2.0
    @Option(help: "Random seed (printed).") var seed: UInt64?
    @Option(name: .customLong("remote-cap-usd"), help: "AGENCY_MODE=hybrid's API_BUDGET_USD_PER_NIGHT for the remote Architect (0: local only).")
    var remoteCapUSD = 0.02

    func run() async throws {
        let seed = self.seed ?? UInt64.random(in: 1...999_999)
        var rng = SoakRandom(seed)
        let dir = NSTemporaryDirectory() + "governor-soak-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/proc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sim = OllamaSimulator(configuration: simulatorConfiguration(dir))
        try await sim.start()
        let client = OllamaClient(try Endpoint(await sim.baseURL, localOnly: true))
        var logger = Logger(label: "soak")
        logger.logLevel = .error
        let governor = Governor(client: client, memory: MemorySource(root: dir, ollamaCgroup: nil), settings: settings, logger: logger)
        let workers = ModelWorkers(client: client, governor: governor, models: Self.models, logger: logger)
        let store = try StateStore(directory: dir + "/state")
        let remote = try await RemoteSoak.start(dir: dir, cap: remoteCapUSD, store: store, logger: logger)
        let log = dir + "/violations.jsonl"
        let start = ContinuousClock.now
        var now: Microseconds = 1_764_572_400_000_000  // 2025-12-01 07:00 UTC: a night starts
        try append(to: log, lines: 3_000, days: 7, end: now)
        var figures = Figures()
        for nightIndex in 0..<nights {
            for hour in 0..<24 {
                now += 3_600_000_000
                try append(to: log, lines: 150, days: 1, end: now)
                // A new agent function every other hour: new signatures for the Controller,
                // a new pattern to embed, a new proposal for the Builder to draft.
                if hour % 2 == 0 { try append(to: log, lines: 40, days: 1, end: now, novel: figures.cycles) }
                var o = CycleOptions(logPath: log, now: now)
                o.models = workers
                o.reportsDirectory = dir + "/reports"
                let report = try await CycleRunner(store: store).run(o)
                figures.count(report)
                try await Task.sleep(for: .milliseconds(Int64(rng.unit() * pause * 1000)))
            }
            if let remote {
                try await remote.mornings(night: nightIndex, store: store, client: client, governor: governor,
                                          now: now, rng: &rng, logger: logger, &figures)
            } else {
                try await morning(store, workers, now, &figures)
            }
        }
        try await remote?.stop()
        if ProcessInfo.processInfo.environment["SOAK_DEBUG"] != nil {
            print("sim loads \(await sim.loadCounts()); governor loads \(await governor.loads)")
        }
        let c = await sim.counters(), violations = await sim.recentViolations(), g = await governor.stats
        figures.violations = await sim.violationCount()
        await client.shutdown()
        try await sim.stop()
        print(figures.text(seed: seed, seconds: (ContinuousClock.now - start).seconds, sim: c, governor: g, recent: violations))
        if figures.violations > 0 || figures.nightsOverCap > 0 { throw ExitCode(1) }
    }

    static let models: [Role: String] = [
        .architect: ModelCatalog.codestral.name, .builder: ModelCatalog.qwenCoder7B.name,
        .controller: ModelCatalog.qwenCoder1_5B.name, .embedder: ModelCatalog.allMiniLM.name,
    ]

    var settings: GovernorSettings {
        var s = GovernorSettings()
        s.budget.trinityBytes = Int64(budgetGB * 1e9)
        s.budget.osReserveBytes = Int64(reserveGB * 1e9)
        s.maxLoadedModels = 3
        s.loadTimeout = .seconds(30)
        // Cycles a simulated 5 minutes apart: the kept models expire between some of them.
        s.keepAliveBetweenCycles = .seconds(5 * 60)
        return s
    }

    func simulatorConfiguration(_ dir: String) -> SimulatorConfiguration {
        var c = SimulatorConfiguration()
        c.memTotalBytes = Int64(memTotalGB * 1e9)
        c.meminfoPath = dir + "/proc/meminfo"
        c.loadSecondsPerGB = 0.01
        c.unloadDelay = .milliseconds(50)
        c.keepAliveScale = keepAliveScale
        c.maxLoadedModels = 3
        c.hogMaxBytes = Int64(hogMaxGB * 1e9)
        c.hogPeriod = .milliseconds(Int64(hogPeriod * 1000))
        c.watchReserveBytes = Int64(reserveGB * 1e9)
        c.watchBudgetBytes = Int64(budgetGB * 1e9)
        return c
    }

    private func append(to log: String, lines: Int, days: Int, end: Microseconds, novel: Int? = nil) throws {
        var text = ""
        var sample = SampleLog(lines: lines, days: days, end: end)
        if let n = novel {
            sample.functions = [SampleFunction("create_soak_agent_\(n)", .steady,
                                               errors: ["Article II violated: soak check \(n) failed in {path}"])]
        }
        try sample.generate { text += $0 + "\n" }
        guard let h = FileHandle(forWritingAtPath: log) else {
            try text.write(toFile: log, atomically: false, encoding: .utf8)
            return
        }
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
    }

    /// The morning report, the Architect narrating: the 22B's night.
    private func morning(_ store: StateStore, _ workers: ModelWorkers, _ now: Microseconds, _ f: inout Figures) async throws {
        let utc = TimeZone(identifier: "UTC")!
        let time = ClockTime(hour: 7, minute: 0)
        let night = Night.ending(on: Night.latestDate(atOrBefore: now, at: time, in: utc), at: time, in: utc)
        let report = try await MorningReporter(store: store).make(night, zone: utc, cycleIntervalSeconds: 3600, generatedAt: now,
                                                                  origin: .daemon, narrator: workers.narrator())
        f.mornings += 1
        // The author is the model's name, marked "simulated" by the simulator's answers.
        if report.narrative.author.hasPrefix(Self.models[.architect] ?? "?") && report.narrative.note == nil { f.narrated += 1 }
    }
}

/// What the soak counts from the cycles' own reports.
struct Figures {
    var cycles = 0, degraded = 0, failed = 0, modelCalls = 0, refusedCalls = 0, mornings = 0, narrated = 0, violations = 0
    var remote: RemoteSpend?
    var remoteNarrated = 0, nightsOverCap = 0, highestNightUSD = 0.0

    mutating func count(_ r: CycleReport) {
        cycles += 1
        if !r.degradedStages.isEmpty { degraded += 1 }
        modelCalls += r.modelCalls.count
        refusedCalls += r.modelCalls.filter { $0.fallbackReason?.hasPrefix("governor refused") == true }.count
    }

    func text(seed: UInt64, seconds: Double, sim: SimulatorCounters, governor g: GovernorStats,
              recent: [InvariantViolation]) -> String {
        var out = [
            "governor soak: seed \(seed), \(cycles) cycles and \(mornings) morning reports in \(Int(seconds)) s",
            "  cycles degraded        \(degraded) (a refusal or a fallback; never a failure)",
            "  model calls            \(modelCalls), of which refused by the governor \(refusedCalls); mornings narrated by the Architect \(narrated)",
            "  loads                  \(sim.loads) (governor: \(g.loads))",
            "  refusals               \(g.refusals)",
            "  evictions by governor  \(g.evictions) (Ollama saw \(sim.unloadRequests) unload requests)",
            "  evictions by Ollama    \(sim.evictedByOllama) for room or its model cap; \(sim.expired) keep_alive expiries (the governor noticed \(g.droppedByOllama) at its next reading)",
            "  violations             \(violations) (at a load: MemAvailable below OS_RESERVE_GB or the resident models above TRINITY_BUDGET_GB)",
        ]
        if let r = remote {
            out.append("  remote Architect       calls sent \(r.calls) (narrations by it \(remoteNarrated), a night's used answer read again included), not made for the cap \(r.refusedByCap); "
                       + "$\(Format.fixed(r.spentUSD, 4)) booked in all, the dearest night $\(Format.fixed(highestNightUSD, 4)) of its $\(Format.fixed(r.capUSD ?? 0, 4)) cap")
            out.append("  nights over the cap    \(nightsOverCap)")
        }
        out += recent.map { "    \($0)" }
        return out.joined(separator: "\n")
    }
}

/// SplitMix64: a seeded, repeatable source of pauses.
struct SoakRandom {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}

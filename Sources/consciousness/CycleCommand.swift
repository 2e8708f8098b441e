import ArgumentParser
import Cycle
import Daemon
import FeedbackLoop
import Foundation
import Logging
import StateStore
import Systemd
import Trinity

struct CycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle",
        abstract: "Run one feedback cycle by hand: read new violations, find patterns, propose, report.")

    @Option(help: "The violations log (default: $VIOLATIONS_LOG, else $AGENCY_ROOT/\(Paths.defaultLog)).")
    var log: String?

    @Option(help: "Analyze the last N days (default: WINDOW_DAYS, else 7).")
    var days: Int?

    @Flag(help: "Analyze everything the store holds.")
    var all = false

    @Flag(help: "Print the report as JSON (the original tool's keys, and more).")
    var json = false

    @Flag(help: "After the report, print on standard error how many write transactions the cycle made in the store.")
    var storeStats = false

    @Option(help: "State directory (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Option(help: "Where Markdown reports go (default: $REPORTS_DIR, else STATE_DIR/reports).")
    var reportsDir: String?

    @Option(help: "The Prometheus textfile rewritten after the cycle (default: $METRICS_FILE, else STATE_DIR/consciousness.prom).")
    var metricsFile: String?

    @Option(help: "Pretend it is this instant (ISO 8601), to replay old logs.")
    var now: String?

    @Option(help: "Configuration file, for the model settings (default: $CONSCIOUSNESS_CONFIG, else /etc/consciousness/consciousness.env if it exists).")
    var config: String?

    @Option(help: "Seconds to wait for another cycle on the same state directory (the daemon's, or another by hand) before giving up with exit 75.")
    var wait: Int = 30

    @Flag(help: "Call no model: rules, templates and the local hashed embedder only (as MODEL_STAGES=off).")
    var noModels = false

    @Option(help: "Occurrences that make a pattern (default: MIN_OCCURRENCES, else 3).")
    var minOccurrences: Int64?

    @Option(help: "Minutes a person spends per BLOCKER violation, for the money figures (default: MINUTES_PER_VIOLATION, else 8).")
    var minutesPerViolation: Double?

    @Option(help: "Hourly cost of that person, USD, for the money figures (default: HOURLY_RATE_USD, else 150).")
    var hourlyRate: Double?

    @Option(help: "Hours a fix takes, for the pay-back time (default: FIX_HOURS, else 2).")
    var fixHours: Double?

    @Option(help: "Probability that an agent's violations persist (next horizon at least half of the recent rate) a proposal needs (default: PROPOSAL_CONFIDENCE, else 0.8).")
    var proposalConfidence: Double?

    func validate() throws {
        if all, days != nil { throw ValidationError("--days and --all exclude each other") }
        if let days, !(1...3650).contains(days) { throw ValidationError("--days must be 1…3650, not \(days)") }
        if let minOccurrences, !(1...1_000_000).contains(minOccurrences) {
            throw ValidationError("--min-occurrences must be 1…1000000, not \(minOccurrences)")
        }
        // The configuration's ranges (MINUTES_PER_VIOLATION, HOURLY_RATE_USD,
        // PROPOSAL_CONFIDENCE); a range check also refuses nan, and the bound refuses inf.
        if let minutesPerViolation, !minutesPerViolation.isFinite || !(0...10_000).contains(minutesPerViolation) {
            throw ValidationError("--minutes-per-violation must be a number 0…10000, not \(minutesPerViolation)")
        }
        if let hourlyRate, !hourlyRate.isFinite || !(0...1_000_000).contains(hourlyRate) {
            throw ValidationError("--hourly-rate must be a number 0…1000000, not \(hourlyRate)")
        }
        if let fixHours, !fixHours.isFinite || !(0...10_000).contains(fixHours) {
            throw ValidationError("--fix-hours must be a number 0…10000, not \(fixHours)")
        }
        if let proposalConfidence, !proposalConfidence.isFinite || !(0...1).contains(proposalConfidence) {
            throw ValidationError("--proposal-confidence must be a number 0…1, not \(proposalConfidence)")
        }
        if let metricsFile, !metricsFile.hasSuffix(".prom") {
            throw ValidationError("--metrics-file '\(metricsFile)' must end in .prom (node_exporter's textfile collector reads only those)")
        }
        if let now, Timestamp.parse(now) == nil {
            throw ValidationError("--now '\(now)' is not an ISO 8601 timestamp (e.g. 2025-10-08T00:00:00Z)")
        }
    }

    func run() async throws {
        let store: StateStore
        do { store = try StateStore(directory: Paths.stateDirectory(stateDir), concurrentReads: false) } catch {
            throw fail(error.description, ExitStatus.cantCreate)
        }
        let env = ProcessInfo.processInfo.environment
        let cfg: DaemonConfig
        do { cfg = try DaemonConfig.load(file: ConfigFile.path(config, env), environment: env) } catch {
            throw fail("configuration refused: \(error)", ExitStatus.config)
        }
        // The configuration's options, then what the command line says over them.
        let parts = Composition(cfg)
        var o = parts.cycleOptions(log: log, now: now.flatMap(Timestamp.parse))
        if all { o.window = .all } else if let days { o.window = .days(days) }
        if let reportsDir { o.reportsDirectory = reportsDir }
        if let metricsFile { o.metricsFile = metricsFile }
        if let minOccurrences { o.settings.minOccurrences = minOccurrences }
        if let minutesPerViolation { o.settings.cost.minutesPerViolation = minutesPerViolation }
        if let hourlyRate { o.settings.cost.hourlyRateUSD = hourlyRate }
        if let fixHours { o.settings.cost.fixHours = fixHours }
        if let proposalConfidence { o.settings.proposalConfidence = proposalConfidence }
        o.readProgress = ProgressBar.handler()
        o.lockWait = .seconds(wait)
        LogDestination.bootstrap(environment: env, level: .warning)
        var client: OllamaClient?
        if !noModels, cfg.modelStages {
            let m = try parts.models(logger: Logger(label: "consciousness"))
            client = m.client
            o.models = m.workers
            o.outboundRequests = { OutboundRequests(loopback: m.client.counter.loopback, remote: m.client.counter.remote) }
        } else if noModels {
            o.modelsOff = "model stages off (--no-models)"
        }
        o.memoryAvailable = { Composition.memoryAvailable() }
        let outcome: Result<CycleReport, any Error>
        do { outcome = .success(try await CycleRunner(store: store).run(o)) } catch { outcome = .failure(error) }
        // Shut down on every path: a client dropped unshut is a bug async-http-client traps on.
        await client?.shutdown()
        switch outcome {
        case .success(let report):
            print(json ? report.json() : report.text(), terminator: "")
            if storeStats { FileHandle.standardError.write(Data("store: \(store.writeTransactionCount) write transactions\n".utf8)) }
            ProcessLifetime.keep(store)
        case .failure(let e as CycleError):
            switch e {
            case .logUnreadable: throw fail(e.description, ExitStatus.noInput)
            case .busy, .conflict: throw fail(e.description, ExitStatus.tempFail)
            }
        case .failure(let error): throw fail("cycle failed: \(error)", ExitStatus.software)
        }
    }

    static func wallClock() -> Microseconds { Composition.systemClock() }
}

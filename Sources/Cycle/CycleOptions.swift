import FeedbackLoop
import StateStore

/// What one cycle needs to know. `now` comes from the caller — the command line's
/// wall clock, a test's fixed instant, the daemon's schedule — never from inside.
public struct CycleOptions: Sendable {
    public enum WindowChoice: Sendable, Equatable {
        case days(Int)
        case all
    }

    public var logPath: String
    public var window: WindowChoice = .days(7)
    public var settings = AnalysisSettings()
    public var forecast = ForecastSettings()
    public var reportsDirectory: String?
    public var now: Microseconds
    public var parallelism = 2
    /// A missing or unreadable log fails the cycle (the `cycle` command) rather than
    /// degrading it (the daemon, which must keep going).
    public var strictLog = true
    /// Told of each stage as it starts (the daemon turns this into STATUS= and its
    /// watchdog deadline).
    public var progress: (@Sendable (CycleProgress) async -> Void)?
    /// The model client's request counter, read when the report is made.
    public var outboundRequests: (@Sendable () -> OutboundRequests)?
    /// The wall clock, read when the cycle finishes (tests leave it at `now`).
    public var wallClock: (@Sendable () -> Microseconds)?
    /// The model workers (nil: the model stages are off and say so, with `modelsOff`).
    public var models: (any ModelStages)?
    public var modelsOff = "model stages off (MODEL_STAGES=off)"
    /// The machine's MemAvailable, read when the report is made.
    public var memoryAvailable: (@Sendable () -> Int64?)?
    /// The Prometheus textfile rewritten after each cycle (nil: STATE_DIR/consciousness.prom).
    public var metricsFile: String?
    /// Each role's configured model: its metrics series exist before its first call.
    public var configuredModels: [CycleMetrics.ConfiguredModel] = []
    /// The binary's version, for `consciousness_build_info`.
    public var version: String?
    /// API_BUDGET_USD_PER_NIGHT in AGENCY_MODE=hybrid, for the metrics.
    public var remoteCapUSD: Double?
    /// Told how far Observe has read (cycle, progress), at most once per percent:
    /// the command line's progress bar, the daemon's STATUS=.
    public var readProgress: (@Sendable (Int64, IngestProgress) -> Void)?
    /// Who this cycle is, for the state directory's lock ("consciousness cycle",
    /// "consciousness daemon"), and how long it waits for another cycle to finish.
    public var lockHolder = "consciousness cycle"
    public var lockWait = Duration.seconds(30)
    /// Facts recorded in the store with the cycle, in its last transaction (the daemon's
    /// `next_cycle_us` for `status`).
    public var recordWithCycle: [String: String] = [:]
    /// Where rotated generations of the log lie besides `NAME.1`, `NAME-*` (ROTATED_GLOB).
    public var rotatedGlob: String?
    /// Finds when approved proposals reached the agency's main line (git, read-only);
    /// nil where there is no agency repository to look in.
    public var mergeFinder: (@Sendable ([ApprovedFix]) throws -> [FixMerge])?

    public init(logPath: String, now: Microseconds) {
        self.logPath = logPath
        self.now = now
    }
}

public enum CycleError: Error, CustomStringConvertible {
    case logUnreadable(LogFileError)
    /// Another cycle holds the state directory.
    case busy(CycleLockBusy)
    /// Another cycle committed the same bytes first (the lock was bypassed).
    case conflict(IngestConflict)

    public var description: String {
        switch self {
        case .logUnreadable(let e): e.description
        case .busy(let e): e.description
        case .conflict(let e): e.description
        }
    }
}

/// A stage starting: which cycle, which stage, and what it is about to do.
public struct CycleProgress: Sendable {
    public var cycle: Int64
    public var stage: Stage
    public var detail: String

    public init(cycle: Int64, stage: Stage, detail: String) {
        self.cycle = cycle
        self.stage = stage
        self.detail = detail
    }
}

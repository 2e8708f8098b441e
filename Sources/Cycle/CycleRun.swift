import FeedbackLoop
import Foundation
import StateStore

/// What a stage produced and how it went: the value the next stages take, and the
/// outcome the report shows.
struct StageResult<Value> {
    var value: Value
    var outcome: StageOutcome.Outcome = .ok
    var detail: String
}

/// One cycle in progress: its options, its number once begun, the stages run so far
/// and the model session. Lives inside the task that runs the cycle and nowhere else
/// (not Sendable); the stages are its extensions, one file each.
final class CycleRun {
    let store: StateStore
    let o: CycleOptions
    let started = ContinuousClock.now
    /// The cycle's number: the next one while Observe reads, the stored one after.
    var cycle: Int64
    var begun = false
    /// The first hour this cycle's committed lines fall in (nil: none committed).
    var touchedFromHour: Int32?
    var stages: [StageOutcome] = []
    var session = ModelSession()

    init(store: StateStore, options: CycleOptions) {
        self.store = store
        self.o = options
        self.cycle = (try? store.nextCycleID()) ?? 0
    }

    func execute() async throws -> CycleReport {
        // The history is read on the core the scan leaves idle; after the commit only
        // the hours the new lines touched are read again.
        let (store, range) = (store, Self.snapshotRange(o.window, try? history()))
        async let snapshot = Self.snapshot(store, range)
        let observed = try await observe()
        var analyzed = try await analyze(observed, snapshot: await snapshot)
        session = await ModelSession(models: o.models, offReason: o.modelsOff)
        analyzed = try await classify(analyzed)
        // The forecasts' fits need only the histories: made on the other core while
        // Learn writes and recalls (the priors it recalls are applied after).
        let (patterns, histories, forecast) = (analyzed.analysis.patterns, analyzed.histories, o.forecast)
        async let fits = Predictor.fits(patterns, histories: histories, settings: forecast)
        let learned = try await learn(analyzed)
        let predicted = try await predict(analyzed, learned, fits: await fits)
        let evolved = try await evolve(analyzed, predicted, learned)
        await session.end()
        return try await report(observed, analyzed, learned, predicted, evolved)
    }

    /// The one way a stage runs: announced (the daemon's STATUS= and stage deadline),
    /// timed on the monotonic clock, recorded with its outcome.
    func stage<T>(_ s: Stage, _ announce: String, _ body: () async throws -> StageResult<T>) async throws -> T {
        await o.progress?(CycleProgress(cycle: cycle, stage: s, detail: announce))
        let start = ContinuousClock.now
        let result = try await body()
        stages.append(StageOutcome(stage: s, outcome: result.outcome, detail: result.detail,
                                   milliseconds: (ContinuousClock.now - start).milliseconds))
        return result.value
    }

    /// Records a cycle that stopped on an error, and tells the monitoring so.
    func failed(_ error: any Error) {
        // Cancelled before it began (a daemon stopping): there is no cycle to record.
        if !begun, error is CancellationError { return }
        if !begun { cycle = (try? store.beginCycle(at: o.now)) ?? cycle }
        let reason = error is CancellationError
            ? "cancelled (the daemon was stopping): what was committed stands, nothing is half-done" : "\(error)"
        try? store.failCycle(cycle, reason: reason, at: o.wallClock?() ?? o.now, counting: Counter.failedCycle)
        var m = CycleMetrics(cycle: cycle, result: CycleResult.failed.rawValue, timestampSeconds: endSeconds,
                             durationSeconds: elapsedSeconds)
        m.proposalsPending = try? store.pendingProposalCount()
        m.stages = stages
        m.counters = (try? store.counters()) ?? [:]
        describe(&m)
        try? MetricsFile.write(m.exposition(), to: metricsPath)
    }

    /// The stored counters with `increments` added: what they will be once this cycle
    /// is recorded (the cycle lock keeps anyone else from adding meanwhile).
    func counters(adding increments: [MetricKey: Int64]) throws -> [MetricKey: Int64] {
        try store.counters().merging(increments, uniquingKeysWith: +)
    }

    /// What the metrics say of the binary and its configuration.
    func describe(_ m: inout CycleMetrics) {
        m.version = o.version
        m.configuredModels = o.configuredModels
        m.remote = try? store.remoteTotals()
        m.remoteCapUSD = o.remoteCapUSD
        m.remoteLastNight = (try? store.latestRemoteNight()).flatMap { $0 }.flatMap { try? store.remoteSpend(night: $0) }
    }

    var metricsPath: String { o.metricsFile ?? MetricsFile.defaultPath(stateDirectory: store.directory) }
    var elapsedSeconds: Double { (ContinuousClock.now - started).milliseconds / 1000 }
    var endSeconds: Double { Double(o.wallClock?() ?? o.now) / 1_000_000 }
}

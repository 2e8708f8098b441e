import FeedbackLoop
import Foundation
import StateStore

/// One feedback cycle: Observe → Analyze → Learn → Predict → Evolve → Report, each
/// stage a plain function of its inputs, timed, and recorded with its outcome.
public struct CycleRunner: Sendable {
    public let store: StateStore

    public init(store: StateStore) { self.store = store }

    /// Runs a cycle holding the state directory's lock from the registry read to the
    /// last commit: a second cycle — by hand beside the daemon, or two by hand — waits,
    /// then fails with `CycleError.busy` naming the holder; it never reads the same bytes.
    public func run(_ o: CycleOptions) async throws -> CycleReport {
        let lock: CycleLock
        do {
            lock = try await CycleLock.acquire(directory: store.directory, holder: o.lockHolder, wait: o.lockWait,
                                               now: o.wallClock ?? { o.now })
        } catch let busy as CycleLockBusy {
            throw CycleError.busy(busy)
        }
        defer { withExtendedLifetime(lock) {} }
        let started = ContinuousClock.now
        let cycle = try store.beginCycle(at: o.now)
        do {
            return try await run(o, cycle: cycle, started: started)
        } catch {
            try? store.failCycle(cycle, reason: "\(error)")
            writeFailureMetrics(o, cycle: cycle, started: started)
            throw error
        }
    }

    private func run(_ o: CycleOptions, cycle: Int64, started: ContinuousClock.Instant) async throws -> CycleReport {
        var stages: [StageOutcome] = []

        var ingest: IngestSummary?
        await o.progress?(CycleProgress(cycle: cycle, stage: "observe", detail: "reading new violations"))
        do {
            let (summary, outcome) = try await timed("observe") { () async throws -> (IngestSummary, String) in try await observe(o, cycle) }
            ingest = summary
            stages.append(outcome)
        } catch let d as StageDegraded {
            stages.append(StageOutcome(stage: "observe", outcome: .degraded, detail: d.detail, milliseconds: 0))
        }

        let newLines = ingest.map { "\(Format.group($0.ingested)) new violations" } ?? "the stored violations"
        await o.progress?(CycleProgress(cycle: cycle, stage: "analyze", detail: "analyzing \(newLines)"))
        let cached = try store.classifications()
        let ((analysis0, rows), analyzed) = try await timed("analyze") { () throws -> ((Analysis, [BucketRow]), String) in
            try analyze(o, classified: cached)
        }
        var analysis = analysis0
        stages.append(analyzed)

        // The model stages, grouped by model so each loads at most once a cycle:
        // Controller, then the embedder, then the Builder.
        var session = await ModelSession(models: o.models, offReason: o.modelsOff)
        await o.progress?(CycleProgress(cycle: cycle, stage: "classify",
                                        detail: "classifying \(analysis.unclassifiedSignatures.count) unclassified signatures"))
        let (classified, classifyOutcome) = try await classify(analysis, rows: rows, cached: cached, o: o, session: &session)
        stages.append(classifyOutcome)
        if classified.changed { analysis = try analyze(o, classified: classified.answers).0.0 }

        await o.progress?(CycleProgress(cycle: cycle, stage: "learn", detail: "remembering \(analysis.patterns.count) patterns"))
        let ((recall, growth), learned) = try await learn(analysis, cycle: cycle, o: o, session: &session)
        stages.append(learned)

        await o.progress?(CycleProgress(cycle: cycle, stage: "predict", detail: "forecasting \(analysis.patterns.count) patterns"))
        let ((predictions, accuracy), predicted) = try await timed("predict") {
            () throws -> (([Forecast], ForecastAccuracy), String) in try predict(o, analysis, rows, cycle, recall)
        }
        stages.append(predicted)

        await o.progress?(CycleProgress(cycle: cycle, stage: "evolve", detail: "drafting proposals"))
        let (proposals, evolved) = try await evolve(analysis, recall: recall, cycle: cycle, o: o, session: &session)
        stages.append(evolved)

        var report = CycleReport(cycle: cycle, timestamp: o.now, analysis: analysis, ingest: ingest,
                                 proposals: proposals, stages: stages)
        report.predictions = predictions
        report.forecastAccuracy = accuracy
        report.outboundRequests = o.outboundRequests?()
        report.modelCalls = session.calls
        report.vectorMemory = growth
        report.peakRSSBytes = PeakMemory.residentBytes()
        report.memoryAvailableBytes = o.memoryAvailable?()
        await o.progress?(CycleProgress(cycle: cycle, stage: "report", detail: "writing the report"))
        report.stages.append(try await reportStage(report, o, started: started))
        try store.finishCycle(report, at: o.wallClock?() ?? o.now)
        return report
    }

    /// Observe: new lines since the checkpoint, committed with the checkpoint. An
    /// unreadable log fails the cycle or, for the daemon, degrades the stage: the
    /// analysis then runs on what the store already holds.
    private func observe(_ o: CycleOptions, _ cycle: Int64) async throws -> (IngestSummary, String) {
        var progress: (@Sendable (IngestProgress) -> Void)?
        if let tell = o.readProgress { progress = { tell(cycle, $0) } }
        do {
            let result = try await LogIngest.read(path: o.logPath, known: try store.logFiles(), rotatedGlob: o.rotatedGlob,
                                                  validTimes: Timestamp.plausible(at: o.wallClock?() ?? o.now),
                                                  parallelism: o.parallelism, progress: progress)
            do { try store.commit(result, cycle: cycle, at: o.now) } catch let c as IngestConflict {
                throw CycleError.conflict(c)
            }
            let s = IngestSummary(result)
            var detail = "\(s.linesRead) new line(s), \(s.ingested) violation(s), \(s.malformed.total) malformed"
            if !s.events.isEmpty { detail += "; " + s.events.map(\.summary).joined(separator: "; ") }
            return (s, detail)
        } catch let e as LogFileError {
            if o.strictLog { throw CycleError.logUnreadable(e) }
            throw StageDegraded(detail: e.description)
        }
    }

    /// Analyze reads the window, and also the longer history the forecasts need.
    /// The rows carry the articles the Controller found for signatures that named none.
    private func analyze(_ o: CycleOptions, classified: [String: Classification]) throws -> ((Analysis, [BucketRow]), String) {
        let window: AnalysisWindow
        switch o.window {
        case .days(let d): window = .lastDays(d, now: o.now)
        case .all: window = .all(firstHour: try store.firstHour(), now: o.now)
        }
        let from = min(window.startHour, window.endHour - Int32(Predictor.historyHours(o.forecast)))
        let rows = Classification.apply(classified, to: try store.buckets(fromHour: from, toHour: window.endHour))
        let a = Analyzer.analyze(rows, window: window, settings: o.settings)
        return ((a, rows), "\(a.violationsAnalyzed) violation(s) in the window, \(a.patterns.count) pattern(s)")
    }

    /// Predict: score what has come due, forecast each pattern — lending a pattern
    /// with no track record of its own the model error measured on similar ones the
    /// memory recalled — store the forecasts, and remember each measured error.
    private func predict(_ o: CycleOptions, _ a: Analysis, _ rows: [BucketRow],
                         _ cycle: Int64, _ recall: Recall) throws -> (([Forecast], ForecastAccuracy), String) {
        let nowHour = Timestamp.hour(of: o.now)
        let scored = try store.scoreDueForecasts(nowHour: nowHour, at: o.now)
        let priors = recall.modelErrorPriors()
        let forecasts = Predictor.predict(a.patterns, rows: rows, nowHour: nowHour, settings: o.forecast, priors: priors)
        try store.record(forecasts, cycle: cycle, madeAt: o.now, horizonHours: o.forecast.horizonDays * 24)
        try store.annotateMemory(kind: .pattern, Dictionary(forecasts.compactMap { f in
            f.model.measuredError.map { (f.patternID, ["model_error": $0]) }
        }, uniquingKeysWith: { a, _ in a }))
        let accuracy = try store.forecastAccuracy(nowHour: nowHour, scoredThisCycle: scored)
        var detail = "\(forecasts.count) forecast(s) for \(o.forecast.horizonDays) days; \(scored) past forecast(s) scored"
        if !priors.isEmpty { detail += "; \(priors.count) with a model-error prior recalled from similar patterns" }
        if !accuracy.hasHistory { detail += "; accuracy: not enough history yet" }
        return ((forecasts, accuracy), detail)
    }

    func writeMarkdown(_ report: CycleReport, _ o: CycleOptions) throws -> String {
        let dir = o.reportsDirectory ?? store.defaultReportsDirectory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let c = Timestamp.civil(fromSeconds: report.timestamp / Timestamp.microsPerSecond)
        let name = "cycle-\(report.cycle)-\(c.year)\(pad(c.month))\(pad(c.day))-\(pad(c.hour))\(pad(c.minute)).md"
        let path = (dir as NSString).appendingPathComponent(name)
        try ReplacedFile.write(report.markdown(), to: path)
        return path
    }

    private func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// A stage that could not do its work but let the cycle go on.
struct StageDegraded: Error {
    var detail: String
}

/// Runs a stage, timing it on the monotonic clock; a `StageDegraded` becomes a
/// degraded outcome with a nil value.
func timed<T: Sendable>(_ stage: String, _ body: () async throws -> (T, String)) async throws -> (T, StageOutcome) {
    let clock = ContinuousClock()
    let start = clock.now
    let (value, detail) = try await body()
    let ms = (clock.now - start).milliseconds
    return (value, StageOutcome(stage: stage, outcome: .ok, detail: detail, milliseconds: ms))
}

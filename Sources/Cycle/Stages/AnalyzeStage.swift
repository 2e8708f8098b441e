import FeedbackLoop
import StateStore

/// What Analyze found: the analysis of the window, and the bucket rows it came from
/// (with the longer history the forecasts need), articles the Controller found for
/// signatures that named none applied.
struct Analyzed {
    var analysis: Analysis
    var rows: [BucketRow]
    /// Each function's hourly counts over the forecasts' look-back: Predict's input.
    var histories: FunctionHistories
    /// The Controller's cached answers, by signature.
    var classified: [String: Classification]
    /// Merged fixes and their measured effect.
    var fixes: [FixEffect] = []
}

/// Analyze: patterns, trends, confidence and ROI from the stored buckets — pure, from
/// the store's rows; no model.
extension CycleRun {
    func analyze(_ observed: IngestSummary?, snapshot: StateStore.BucketSnapshot?) async throws -> Analyzed {
        let what = observed.map { "\(Stage.analyze.gerund) \(Format.group($0.ingested)) new violations" }
            ?? "\(Stage.analyze.gerund) the stored violations"
        return try await stage(.analyze, what) {
            var a = try analyzeNow(classified: try store.classifications(), snapshot: snapshot)
            let fixes = try measureFixes()
            a.fixes = fixes.effects
            var detail = "\(a.analysis.violationsAnalyzed) violation(s) in the window, \(a.analysis.patterns.count) pattern(s)"
            if !fixes.effects.isEmpty { detail += "; \(fixes.effects.count) merged fix(es) measured" }
            if let note = fixes.note { detail += "; \(note)" }
            return StageResult(value: a, outcome: fixes.note == nil ? .ok : .degraded, detail: detail)
        }
    }

    /// The window's analysis with these classifications (again after Classify), from
    /// the rows `snapshot` kept and the hours this cycle's commit touched, or from the
    /// store alone.
    func analyzeNow(classified: [String: Classification], snapshot: StateStore.BucketSnapshot? = nil) throws -> Analyzed {
        let (window, from) = try history()
        let stored = try snapshot.map {
            try store.buckets(fromHour: from, toHour: window.endHour, through: $0, cycle: cycle, touchedFrom: touchedFromHour)
        } ?? store.buckets(fromHour: from, toHour: window.endHour)
        let rows = Classification.apply(classified, to: stored)
        let (analysis, histories) = Analyzer.analyzeWithHistories(rows, window: window, settings: o.settings,
                                                                  rate: o.forecast, firstSeen: try store.firstSeen())
        return Analyzed(analysis: analysis, rows: rows, histories: histories, classified: classified)
    }

    /// The window analysed, and the first hour of the history read with it (the
    /// forecasts look further back than the window).
    func history() throws -> (window: AnalysisWindow, fromHour: Int32) {
        let window: AnalysisWindow
        switch o.window {
        case .days(let d): window = .lastDays(d, now: o.now)
        case .all: window = .all(firstHour: try store.firstHour(), now: o.now)
        }
        return (window, min(window.startHour, window.endHour - Int32(Predictor.historyHours(o.forecast))))
    }

    /// The hours read before this cycle's commit: none for `--all`, whose first hour
    /// the commit itself may move.
    static func snapshotRange(_ window: CycleOptions.WindowChoice,
                              _ history: (window: AnalysisWindow, fromHour: Int32)?) -> (from: Int32, to: Int32)? {
        guard case .days = window, let history else { return nil }
        return (history.fromHour, history.window.endHour)
    }

    /// The history as it stands before this cycle's commit, read while Observe scans
    /// (nil: none, or the read failed, and Analyze reads it all after the commit).
    static func snapshot(_ store: StateStore, _ range: (from: Int32, to: Int32)?) -> StateStore.BucketSnapshot? {
        range.flatMap { try? store.bucketSnapshot(fromHour: $0.from, toHour: $0.to) }
    }
}

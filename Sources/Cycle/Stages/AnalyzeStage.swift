import FeedbackLoop
import StateStore

/// What Analyze found: the analysis of the window, and the bucket rows it came from
/// (with the longer history the forecasts need), articles the Controller found for
/// signatures that named none applied.
struct Analyzed {
    var analysis: Analysis
    var rows: [BucketRow]
    /// The Controller's cached answers, by signature.
    var classified: [String: Classification]
    /// Merged fixes and their measured effect.
    var fixes: [FixEffect] = []
}

/// Analyze: patterns, trends, confidence and ROI from the stored buckets — pure, from
/// the store's rows; no model.
extension CycleRun {
    func analyze(_ observed: IngestSummary?) async throws -> Analyzed {
        let what = observed.map { "\(Stage.analyze.gerund) \(Format.group($0.ingested)) new violations" }
            ?? "\(Stage.analyze.gerund) the stored violations"
        return try await stage(.analyze, what) {
            var a = try analyzeNow(classified: try store.classifications())
            let fixes = try measureFixes()
            a.fixes = fixes.effects
            var detail = "\(a.analysis.violationsAnalyzed) violation(s) in the window, \(a.analysis.patterns.count) pattern(s)"
            if !fixes.effects.isEmpty { detail += "; \(fixes.effects.count) merged fix(es) measured" }
            if let note = fixes.note { detail += "; \(note)" }
            return StageResult(value: a, outcome: fixes.note == nil ? .ok : .degraded, detail: detail)
        }
    }

    /// The window's analysis with these classifications (again after Classify).
    func analyzeNow(classified: [String: Classification]) throws -> Analyzed {
        let window: AnalysisWindow
        switch o.window {
        case .days(let d): window = .lastDays(d, now: o.now)
        case .all: window = .all(firstHour: try store.firstHour(), now: o.now)
        }
        let from = min(window.startHour, window.endHour - Int32(Predictor.historyHours(o.forecast)))
        let rows = Classification.apply(classified, to: try store.buckets(fromHour: from, toHour: window.endHour))
        let analysis = Analyzer.analyze(rows, window: window, settings: o.settings, rate: o.forecast,
                                        firstSeen: try store.firstSeen())
        return Analyzed(analysis: analysis, rows: rows,
                        classified: classified)
    }
}

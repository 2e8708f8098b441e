/// What Analyze found in a window.
public struct Analysis: Sendable, Equatable {
    public var window: AnalysisWindow
    public var violationsAnalyzed: Int64
    public var patterns: [Pattern]
    /// Signatures in the window that name no article, for a model to classify.
    public var unclassifiedSignatures: [String]

    /// Dollars a year at the forecast rates (0 before the forecasts are made).
    public var totalROIPotential: Double { patterns.reduce(0) { $0 + $1.roiCostSaved } }

}

/// Analyze: groups the window's buckets by function into patterns. Pure: buckets and
/// a window in, values out.
public enum Analyzer {
    /// `rate`: the settings of the rate reading (shared with the forecasts: the same
    /// history, the same tests). `firstSeen`: each function's first violation in the
    /// whole history, where the store knows it.
    public static func analyze(_ rows: [BucketRow], window: AnalysisWindow,
                               settings: AnalysisSettings = AnalysisSettings(),
                               rate: ForecastSettings = ForecastSettings(),
                               firstSeen: [String: Int64] = [:]) -> Analysis {
        // The history is read for two figures per function, made in this one pass: the
        // rows themselves are copied only for the window, a fraction of the history.
        let historyEnd = window.endHour - 1, historyHours = Predictor.historyHours(rate)
        var inWindow: [String: [BucketRow]] = [:], history: [String: FunctionHistory] = [:]
        var total: Int64 = 0
        var unclassified = Set<String>()
        for row in rows {
            history[row.function, default: FunctionHistory(hours: historyHours)].add(row, endHour: historyEnd)
            guard row.hour >= window.startHour && row.hour <= window.endHour else { continue }
            inWindow[row.function, default: []].append(row)
            total += row.totals.count
            if row.articles.isEmpty { unclassified.insert(row.signature) }
        }
        let patterns = inWindow.compactMap { function, rows in
            pattern(function, rows, history: history[function] ?? FunctionHistory(hours: historyHours), window, settings,
                    rate, firstSeen[function])
        }.sorted { ($0.frequency, $1.functionName) > ($1.frequency, $0.functionName) }
        return Analysis(window: window, violationsAnalyzed: total, patterns: patterns,
                        unclassifiedSignatures: unclassified.sorted())
    }

    /// What a pattern needs of a function's whole history: its first violation, and its
    /// hourly counts over the hours the rate reading looks back.
    struct FunctionHistory {
        var first = Int64.max
        var hourly: [Int64]

        init(hours: Int) { hourly = [Int64](repeating: 0, count: max(0, hours)) }

        mutating func add(_ row: BucketRow, endHour: Int32) {
            first = min(first, row.totals.first)
            let i = Int(row.hour) - (Int(endHour) - hourly.count + 1)
            if i >= 0, i < hourly.count { hourly[i] += row.totals.count }
        }
    }

    static func pattern(_ function: String, _ rows: [BucketRow], history: FunctionHistory, _ window: AnalysisWindow,
                        _ settings: AnalysisSettings, _ rate: ForecastSettings, _ firstSeen: Int64?) -> Pattern? {
        let count = rows.reduce(0) { $0 + $1.totals.count }
        guard count >= settings.minOccurrences else { return nil }
        var articles = ArticleSet()
        var bySignature: [String: (ArticleSet, Int64)] = [:]
        var classifiedBy: [String: String] = [:]
        var severities = Set<String>()
        var last = Int64.min
        for r in rows {
            articles.formUnion(r.articles)
            bySignature[r.signature, default: (r.articles, 0)].1 += r.totals.count
            if let m = r.classifiedBy { classifiedBy[r.signature] = m }
            severities.formUnion(r.severities)
            last = max(last, r.totals.last)
        }
        let first = history.first
        let signatures = bySignature.map {
            Pattern.SignatureCount(signature: $0.key, articles: $0.value.0.names, count: $0.value.1,
                                   classifiedBy: classifiedBy[$0.key])
        }.sorted { ($0.count, $1.signature) > ($1.count, $0.signature) }
        return Pattern(
            patternID: "pattern_\(function)", functionName: function, articlesViolated: articles.names,
            frequency: count, confidence: 0, roiHoursSaved: 0, roiCostSaved: 0,
            fixSuggestion: FixSuggestion.for(function: function, articles: articles),
            rate: RateModel.read(history: history.hourly, rate),
            firstSeen: Timestamp.iso8601(min(first, firstSeen ?? first)), lastSeen: Timestamp.iso8601(last),
            agent: AgentName.infer(fromFunction: function), severities: severities.sorted(),
            signatures: signatures, hourly: series(rows, endHour: window.endHour, hours: window.hours))
    }

    /// Each function's counts per hour for the `hours` hours ending at `endHour`, oldest
    /// first, in one pass over the rows.
    public static func seriesByFunction(_ rows: [BucketRow], endHour: Int32, hours: Int) -> [String: [Int64]] {
        var out: [String: FunctionHistory] = [:]
        for r in rows { out[r.function, default: FunctionHistory(hours: hours)].add(r, endHour: endHour) }
        return out.mapValues(\.hourly)
    }

    /// Counts per hour for the `hours` hours ending at `endHour`, oldest first.
    public static func series(_ rows: [BucketRow], endHour: Int32, hours: Int) -> [Int64] {
        var h = FunctionHistory(hours: hours)
        for r in rows { h.add(r, endHour: endHour) }
        return h.hourly
    }
}

/// What Analyze found in a window.
public struct Analysis: Sendable, Equatable {
    public var window: AnalysisWindow
    public var violationsAnalyzed: Int64
    public var patterns: [Pattern]
    /// Signatures in the window that name no article, for a model to classify.
    public var unclassifiedSignatures: [String]

    public var totalROIPotential: Double { patterns.reduce(0) { $0 + $1.roiCostSaved } }
}

/// Analyze: groups the window's buckets by function into patterns. Pure: buckets and
/// a window in, values out.
public enum Analyzer {
    public static func analyze(_ rows: [BucketRow], window: AnalysisWindow,
                               settings: AnalysisSettings = AnalysisSettings()) -> Analysis {
        var byFunction: [String: [BucketRow]] = [:]
        var total: Int64 = 0
        var unclassified = Set<String>()
        for row in rows where row.hour >= window.startHour && row.hour <= window.endHour {
            byFunction[row.function, default: []].append(row)
            total += row.totals.count
            if row.articles.isEmpty { unclassified.insert(row.signature) }
        }
        let patterns = byFunction.compactMap { function, rows in
            pattern(function, rows, window, settings)
        }.sorted { ($0.frequency, $1.functionName) > ($1.frequency, $0.functionName) }
        return Analysis(window: window, violationsAnalyzed: total, patterns: patterns,
                        unclassifiedSignatures: unclassified.sorted())
    }

    static func pattern(_ function: String, _ rows: [BucketRow], _ window: AnalysisWindow,
                        _ settings: AnalysisSettings) -> Pattern? {
        let count = rows.reduce(0) { $0 + $1.totals.count }
        guard count >= settings.minOccurrences else { return nil }
        var articles = ArticleSet()
        var bySignature: [String: (ArticleSet, Int64)] = [:]
        var severities = Set<String>()
        var first = Int64.max, last = Int64.min
        for r in rows {
            articles.formUnion(r.articles)
            bySignature[r.signature, default: (r.articles, 0)].1 += r.totals.count
            severities.formUnion(r.severities)
            first = min(first, r.totals.first)
            last = max(last, r.totals.last)
        }
        let trendHours = min(window.hours, settings.trendMaxDays * 24)
        let hourly = series(rows, endHour: window.endHour, hours: trendHours)
        // ROI as the original: minutes per violation, scaled to a week, × 52 weeks. The
        // original took the window's count as the weekly count whatever the window; the
        // count is scaled to 7 days here, which is the same for the default --days 7.
        let weeklyHours = Double(count) * settings.minutesPerViolation / 60 * 7 / max(window.lengthDays, 1)
        let annualHours = weeklyHours * 52
        let signatures = bySignature.map {
            Pattern.SignatureCount(signature: $0.key, articles: $0.value.0.names, count: $0.value.1)
        }.sorted { ($0.count, $1.signature) > ($1.count, $0.signature) }
        return Pattern(
            patternID: "pattern_\(function)", functionName: function, articlesViolated: articles.names,
            frequency: count, confidence: min(0.6 + Double(count) / 100, 0.95),
            roiHoursSaved: annualHours, roiCostSaved: annualHours * settings.hourlyRateUSD,
            fixSuggestion: FixSuggestion.for(function: function, articles: articles),
            trend: TrendTest.classify(hourly, settings.trend),
            firstSeen: Timestamp.iso8601(first), lastSeen: Timestamp.iso8601(last),
            agent: AgentName.infer(fromFunction: function), severities: severities.sorted(),
            signatures: signatures, hourly: hourly)
    }

    /// Counts per hour for the `hours` hours ending at `endHour`, oldest first.
    public static func series(_ rows: [BucketRow], endHour: Int32, hours: Int) -> [Int64] {
        var out = [Int64](repeating: 0, count: hours)
        let start = Int(endHour) - hours + 1
        for r in rows {
            let i = Int(r.hour) - start
            if i >= 0, i < hours { out[i] += r.totals.count }
        }
        return out
    }
}

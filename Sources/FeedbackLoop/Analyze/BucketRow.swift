/// One stored bucket as the analysis sees it: names resolved, totals exact.
public struct BucketRow: Sendable, Equatable {
    public var function: String
    public var signature: String
    public var articles: ArticleSet
    public var hour: Int32
    public var totals: BucketTotals
    public var severities: [String]
    /// The model whose classification gave this row its article (nil: the text named it).
    public var classifiedBy: String?

    public init(function: String, signature: String, articles: ArticleSet, hour: Int32,
                totals: BucketTotals, severities: [String]) {
        self.function = function
        self.signature = signature
        self.articles = articles
        self.hour = hour
        self.totals = totals
        self.severities = severities
    }
}

/// The hours a cycle looks at, inclusive. Counted in whole hour buckets: the last
/// `days × 24` buckets up to and including the one `now` falls in.
public struct AnalysisWindow: Sendable, Equatable, Codable {
    public var days: Int?
    public var startHour: Int32
    public var endHour: Int32

    public static func lastDays(_ days: Int, now: Microseconds) -> AnalysisWindow {
        let end = Timestamp.hour(of: now)
        return AnalysisWindow(days: days, startHour: end - Int32(days * 24) + 1, endHour: end)
    }

    /// Everything the store holds, up to now.
    public static func all(firstHour: Int32?, now: Microseconds) -> AnalysisWindow {
        let end = Timestamp.hour(of: now)
        return AnalysisWindow(days: nil, startHour: min(firstHour ?? end, end), endHour: end)
    }

    public var hours: Int { Int(endHour - startHour) + 1 }
    public var lengthDays: Double { Double(hours) / 24 }
    public var start: Microseconds { Int64(startHour) * Timestamp.microsPerHour }
}

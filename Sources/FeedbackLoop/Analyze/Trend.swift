/// A pattern's direction over the window. The first three words are the original
/// tool's; BURST is new: a spike in the last hours that a halves comparison would
/// smear into "increasing".
public enum Trend: String, Codable, Sendable, CaseIterable {
    case increasing = "INCREASING"
    case stable = "STABLE"
    case decreasing = "DECREASING"
    case burst = "BURST"
}

public struct TrendSettings: Sendable, Equatable {
    /// Significance level of both tests. 1% keeps a steady pattern labelled STABLE in
    /// 99 windows of 100 when its counts are Poisson.
    public var significance = 0.01
    /// The recent span a burst must fall in.
    public var burstHours = 6
    /// A burst is at least this many times the baseline rate…
    public var burstRatio = 3.0
    /// …and at least this many violations, so two stray events are not a burst.
    public var burstMinCount: Int64 = 5

    public init() {}
}

public struct TrendVerdict: Sendable, Equatable, Codable {
    public var trend: Trend
    /// p-value of the test that decided (1 when nothing was significant).
    public var pValue: Double
    /// Violations per hour in the two spans compared (earlier, later).
    public var earlierRate: Double
    public var laterRate: Double
}

/// Trend from an hourly series of counts, by two Poisson rate comparisons.
///
/// Why this test: violations are events counted per hour, so under "no change" the
/// counts of two spans are Poisson with one common rate. Conditioned on their total n,
/// the count of the later span is then Binomial(n, t_later / (t_earlier + t_later)) —
/// an exact test that needs no normal approximation and works from a handful of events
/// to millions (the conditional, or Przyborowski–Wilenski, test of two Poisson rates).
/// Mann–Kendall would also do, but it spends its power on ranks of mostly-zero hourly
/// counts; the rate comparison uses the counts themselves.
///
/// 1. BURST: the last `burstHours` against the rest of the window, one-sided: the
///    recent count's upper-tail probability under the baseline rate is below the
///    significance level, it is `burstRatio` times the baseline, and at least
///    `burstMinCount` events.
/// 2. Otherwise INCREASING or DECREASING: the first half of the window against the
///    second, two-sided at the significance level.
/// 3. Otherwise STABLE — including every series too short or too sparse to tell.
public enum TrendTest {
    public static func classify(_ series: [Int64], _ s: TrendSettings = TrendSettings()) -> TrendVerdict {
        let hours = series.count
        let total = series.reduce(0, +)
        if hours > s.burstHours * 2 {
            let recent = series.suffix(s.burstHours).reduce(0, +)
            let baseHours = Double(hours - s.burstHours)
            // Half an event of prior keeps a pattern that was silent until now testable.
            let baseRate = max(Double(total - recent), 0.5) / baseHours
            let expected = baseRate * Double(s.burstHours)
            let p = Statistics.poissonUpperTail(recent, mean: expected)
            if recent >= s.burstMinCount, Double(recent) >= s.burstRatio * expected, p < s.significance {
                return TrendVerdict(trend: .burst, pValue: p, earlierRate: baseRate,
                                    laterRate: Double(recent) / Double(s.burstHours))
            }
        }
        let half = hours / 2
        guard half > 0 else { return TrendVerdict(trend: .stable, pValue: 1, earlierRate: 0, laterRate: 0) }
        let earlier = series.prefix(half).reduce(0, +)
        let later = series.suffix(half).reduce(0, +)
        let n = earlier + later
        let p = Statistics.binomialTwoSided(later, n, 0.5)
        let verdict = TrendVerdict(trend: .stable, pValue: p, earlierRate: Double(earlier) / Double(half),
                                   laterRate: Double(later) / Double(half))
        guard n > 0, p < s.significance else { return verdict }
        var v = verdict
        v.trend = later > earlier ? .increasing : .decreasing
        return v
    }
}

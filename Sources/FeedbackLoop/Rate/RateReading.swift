#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one reading of a pattern's rate that the trend label, the forecast and the
/// priority all use, so they cannot contradict each other: the recent week against the
/// weeks before it (weekday by weekday, with the overdispersion the days show), and the
/// last hours against the same hours of earlier days.
///
/// Pure: an hourly series in (oldest first, ending with the last complete hour), a
/// value out.
public struct RateReading: Sendable, Equatable, Codable {
    /// What a person is told: BURST, else the direction.
    public var trend: Trend
    /// INCREASING, STABLE or DECREASING from the comparison alone (what the forecast
    /// extrapolates, burst or not).
    public var direction: Trend
    public var comparison: WeekComparison
    public var burst: BurstCheck
    /// Hours since the first violation in the series.
    public var hoursObserved: Int

    public static func read(hourly: [Int64], _ s: TrendSettings = TrendSettings()) -> RateReading {
        // The weekday factors the burst is judged with come from the series without its
        // last hours, so a spike does not raise the baseline it is measured against.
        let withoutLast = WeekComparison.compare(DayTable(hourly: hourly, excludeLast: s.burstHours))
        let burst = BurstCheck.check(hourly, dayFactors: withoutLast.dayFactors, s)
        // A burst's hours are judged on their own; the comparison is made without them,
        // so a spike does not read as a new level.
        let comparison = burst.isBurst ? withoutLast : WeekComparison.compare(DayTable(hourly: hourly))
        let direction = Self.direction(comparison, s)
        let first = hourly.firstIndex { $0 > 0 } ?? hourly.count
        return RateReading(trend: burst.isBurst ? .burst : direction, direction: direction,
                           comparison: comparison, burst: burst, hoursObserved: hourly.count - first)
    }

    static func direction(_ c: WeekComparison, _ s: TrendSettings) -> Trend {
        guard c.basis != .tooLittle, c.pValue < s.significance else { return .stable }
        if c.ratio >= s.minRatio { return .increasing }
        if c.ratio <= 1 / s.minRatio { return .decreasing }
        return .stable
    }

    /// p of the test that decided the label.
    public var pValue: Double { trend == .burst ? burst.pValue : comparison.pValue }

    /// "INCREASING ×1.9 week over week (185 → 369 a week, p < 0.001)".
    public var summary: String {
        let c = comparison
        if trend == .burst {
            return "BURST: \(Format.group(burst.recent)) in the last \(burst.hours) hours against "
                + "\(Format.fixed(burst.expected, 1)) expected from \(burstBasis) (\(Format.pValue(burst.pValue)))"
        }
        switch c.basis {
        case .tooLittle:
            return "\(trend.rawValue) (\(Format.fixed(c.recentDays, 1)) days of history: too little to compare)"
        case .weekOverWeek:
            return "\(trend.rawValue) \(Format.ratio(c.ratio)) week over week (\(Format.fixed(c.earlierRate * 7, 0)) → "
                + "\(Format.fixed(c.recentRate * 7, 0)) a week, \(Format.pValue(c.pValue)))"
        case .halves, .beforeAfter:
            return "\(trend.rawValue) \(Format.ratio(c.ratio)) over \(Format.fixed(c.recentDays + c.earlierDays, 0)) days, "
                + "later half against earlier (\(Format.fixed(c.earlierRate, 1)) → \(Format.fixed(c.recentRate, 1)) a day, "
                + "\(Format.pValue(c.pValue)))"
        }
    }

    private var burstBasis: String {
        burst.daysCompared > 0 ? "the same hours of \(burst.daysCompared) earlier days" : "the mean rate so far"
    }
}

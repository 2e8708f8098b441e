/// What every money figure assumes, printed where the figure is. The defaults are the
/// original tool's (8 minutes of a person's time per violation at $150 an hour, a
/// 2-hour fix), with two corrections a reader asked for: the minutes are weighted by
/// severity (`Severity`), and the count is the forecast for the coming week — not the
/// window's count stretched to a year — so a fading pattern costs what it will cost.
public struct CostAssumptions: Sendable, Equatable {
    /// Minutes a person spends on one BLOCKER violation (`MINUTES_PER_VIOLATION`).
    public var minutesPerViolation = 8.0
    /// Cost of those minutes (`HOURLY_RATE_USD`).
    public var hourlyRateUSD = 150.0
    /// Hours a fix takes (`FIX_HOURS`), for the pay-back time.
    public var fixHours = 2.0

    public init() {}

    /// Dollars one violation of this severity costs.
    public func perViolation(severity: String) -> Double {
        minutesPerViolation * Severity.weight(severity) / 60 * hourlyRateUSD
    }

    /// One line a reader can check a figure against.
    public var statement: String {
        "\(Format.fixed(minutesPerViolation, 0)) min of a person's time per BLOCKER violation "
            + "(CRITICAL ×2, WARNING ×0.25) at $\(Format.thousands(hourlyRateUSD))/h, at the forecast rate; "
            + "a fix takes \(Format.fixed(fixHours, 1)) h and removes the pattern"
    }
}

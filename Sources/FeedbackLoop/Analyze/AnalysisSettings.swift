/// Every knob of the Analyze and Evolve stages, with the original tool's values as
/// defaults.
public struct AnalysisSettings: Sendable, Equatable {
    /// A function with at least this many violations in the window is a pattern.
    public var minOccurrences: Int64 = 3
    /// Minutes a person spends on one violation (the original's 8).
    public var minutesPerViolation = 8.0
    /// Cost of those minutes (the original's $150 an hour).
    public var hourlyRateUSD = 150.0
    /// A proposal is made for an agent whose evidence reaches this confidence.
    public var proposalConfidence = 0.8
    /// The trend test looks at no more than this many days, however long the window.
    public var trendMaxDays = 90
    public var trend = TrendSettings()

    public init() {}
}

/// A pattern's direction. The first three words are the original tool's; BURST is new:
/// a spike in the last hours, which a week-over-week comparison would smear.
public enum Trend: String, Codable, Sendable, CaseIterable {
    case increasing = "INCREASING"
    case stable = "STABLE"
    case decreasing = "DECREASING"
    case burst = "BURST"
}

public struct TrendSettings: Sendable, Equatable {
    /// Significance level of both tests. With the dispersion measured, 1% keeps a
    /// steady pattern STABLE in about 99 weeks of 100, whatever its noise.
    public var significance = 0.01
    /// A trend must also be worth saying: the recent rate at least this many times the
    /// earlier one (or at most its inverse). A 10% drift in a pattern of thousands is
    /// significant and of no use to anyone.
    public var minRatio = 1.25
    /// The recent span a burst must fall in.
    public var burstHours = 6
    /// A burst is at least this many times the count expected in those hours…
    public var burstRatio = 3.0
    /// …and at least this many violations, so two stray events are not a burst.
    public var burstMinCount: Int64 = 5

    public init() {}
}

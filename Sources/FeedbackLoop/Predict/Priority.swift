/// Where a pattern stands among the cycle's patterns: its rank by the cost expected
/// over the forecast horizon (expected violations — the trend is in them — × severity
/// weight × minutes × rate), and how urgent it is.
public struct Priority: Sendable, Equatable, Codable {
    public enum Urgency: String, Sendable, Codable, CaseIterable {
        case urgent = "URGENT", high = "HIGH", medium = "MEDIUM", low = "LOW"
    }

    /// 1 is the costliest.
    public var rank: Int
    public var urgency: Urgency
    /// Expected violations over the horizon, and what they cost.
    public var expectedViolations: Double
    public var expectedCostUSD: Double
    /// Share of all patterns' expected cost.
    public var share: Double
    /// Days of this pattern's cost a fix's hours are worth (nil when it costs nothing).
    public var paybackDays: Double?

    enum CodingKeys: String, CodingKey {
        case rank, urgency, expectedViolations = "expected_violations", expectedCostUSD = "expected_cost_usd"
        case share, paybackDays = "payback_days"
    }

    /// URGENT only for a rising pattern (INCREASING, or a BURST on a level that is not
    /// falling) among the three costliest with at least 10% of the expected cost: a
    /// handful, never all. HIGH for the other top three unless falling, or a rising
    /// pattern with 5%. MEDIUM for 2% and not falling. LOW for the rest — every falling
    /// pattern outside the top three among them.
    static func urgency(rank: Int, share: Double, trend: Trend, direction: Trend) -> Urgency {
        let rising = trend == .increasing || (trend == .burst && direction != .decreasing)
        if rising, share >= 0.10, rank <= 3 { return .urgent }
        if (rank <= 3 && direction != .decreasing) || (rising && share >= 0.05) { return .high }
        if share >= 0.02, direction != .decreasing { return .medium }
        return .low
    }

    /// The original's four tiers, worded as it did, now chosen by urgency.
    public func action(_ fix: String) -> String {
        switch urgency {
        case .urgent: "URGENT: Apply fix immediately - \(fix)"
        case .high: "HIGH PRIORITY: Schedule fix this week - \(fix)"
        case .medium: "MEDIUM: Monitor and plan fix - \(fix)"
        case .low: "LOW: Track for trends - \(fix)"
        }
    }
}

/// Ranks a cycle's patterns once their forecasts are made, and gives each pattern the
/// forecast's confidence and its cost at the forecast rate. Pure.
public enum Prioritizer {
    public struct Prioritized: Sendable, Equatable {
        public var patterns: [Pattern]
        public var forecasts: [Forecast]
    }

    public static func prioritize(_ patterns: [Pattern], _ forecasts: [Forecast],
                                  cost: CostAssumptions = CostAssumptions()) -> Prioritized {
        let byID = Dictionary(forecasts.map { ($0.patternID, $0) }, uniquingKeysWith: { a, _ in a })
        func expectedCost(_ p: Pattern) -> Double {
            (byID[p.patternID]?.expected ?? 0) * cost.perViolation(severity: p.severity)
        }
        let ranked = patterns.sorted { (expectedCost($0), $1.functionName) > (expectedCost($1), $0.functionName) }
        let total = ranked.reduce(0) { $0 + expectedCost($1) }
        var out: [Pattern] = [], outForecasts: [Forecast] = []
        for (i, var p) in ranked.enumerated() {
            guard var f = byID[p.patternID] else { out.append(p); continue }
            let c = expectedCost(p)
            let share = total > 0 ? c / total : 0
            let days = Double(max(1, f.horizonDays))
            let weeklyCost = c * 7 / days
            let priority = Priority(
                rank: i + 1, urgency: Priority.urgency(rank: i + 1, share: share, trend: p.trend, direction: p.rate.direction),
                expectedViolations: f.expected, expectedCostUSD: c, share: share,
                paybackDays: weeklyCost > 0 ? cost.fixHours * cost.hourlyRateUSD / (weeklyCost / 7) : nil)
            p.priority = priority
            p.confidence = f.confidence
            p.roiCostSaved = weeklyCost * 52
            p.roiHoursSaved = cost.hourlyRateUSD > 0 ? p.roiCostSaved / cost.hourlyRateUSD : 0
            f.recommendedAction = priority.action(p.fixSuggestion)
            f.priority = priority
            out.append(p)
            outForecasts.append(f)
        }
        return Prioritized(patterns: out, forecasts: outForecasts)
    }

    /// P(the count over the horizon is at least half of what the recent rate gives),
    /// for the sum of these forecasts: that the problem persists, what a proposal's
    /// confidence is built on.
    public static func persistence(_ forecasts: [Forecast]) -> Double {
        let mean = forecasts.reduce(0) { $0 + $1.model.expected }
        let variance = forecasts.reduce(0) { $0 + $1.model.variance }
        let recent = forecasts.reduce(0.0) { $0 + $1.model.reading.comparison.recentRate * Double(max(1, $1.horizonDays)) }
        let threshold = Int64((recent / 2).rounded(.up))
        return CountDistribution.upperTail(max(threshold, 1), mean: mean, variance: max(variance, mean))
    }
}

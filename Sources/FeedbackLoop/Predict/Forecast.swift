/// A forecast for one pattern, in the original tool's terms (`probability`,
/// `expected_occurrences`, `time_period`, `recommended_action`, `confidence`) with
/// what it lacked: an interval, and the honesty to say when history is too thin.
public struct Forecast: Sendable, Equatable, Codable {
    public var patternID: String
    public var function: String
    public var probability: Double
    public var expectedOccurrences: Int64
    public var expected: Double
    public var interval: [Int64]
    public var intervalCoverage: Double
    public var timePeriod: String
    public var horizonDays: Int
    public var horizonStart: String
    public var horizonEnd: String
    /// The original's tiers, chosen by the pattern's `Priority` (set with it).
    public var recommendedAction: String
    /// P(the count over the horizon lands within ±20% of `expected`), under the
    /// forecast's own distribution: how far a person can go by the number. Checked for
    /// calibration by `backtest` (its reliability table).
    public var confidence: Double
    public var lowConfidence: Bool
    public var model: CountForecast
    public var priority: Priority?

    enum CodingKeys: String, CodingKey {
        case patternID = "pattern_id", function, probability, expectedOccurrences = "expected_occurrences"
        case expected, interval, intervalCoverage = "interval_coverage", timePeriod = "time_period", horizonDays = "horizon_days"
        case horizonStart = "horizon_start", horizonEnd = "horizon_end"
        case recommendedAction = "recommended_action", confidence, lowConfidence = "low_confidence", model, priority
    }
}

/// Predict: a forecast per pattern from its hourly history. Pure: the series ends at
/// the last complete hour before `originHour`, the horizon is the `horizonDays × 24`
/// hours from `originHour` on.
public enum Forecaster {
    /// `fit`: the history's fit, made already (nil: made here).
    public static func forecast(_ p: Pattern, history: [Int64], originHour: Int32,
                                settings s: ForecastSettings = ForecastSettings(), priorError: Double? = nil,
                                fit: RateModel.Fit? = nil) -> Forecast {
        let m = RateModel.forecast(fit ?? RateModel.fit(hourly: history, s), s, priorError: priorError)
        let low = m.historyDays < 3 || m.historyCount < 10
        let start = Int64(originHour) * Timestamp.microsPerHour
        return Forecast(
            patternID: p.patternID, function: p.functionName, probability: (m.probability * 10_000).rounded() / 10_000,
            expectedOccurrences: Int64(m.expected.rounded()), expected: m.expected, interval: [m.lower, m.upper],
            intervalCoverage: s.intervalCoverage, timePeriod: "\(s.horizonDays)_days", horizonDays: s.horizonDays,
            horizonStart: Timestamp.iso8601(start),
            horizonEnd: Timestamp.iso8601(start + Int64(s.horizonDays) * Timestamp.microsPerDay),
            recommendedAction: "LOW: Track for trends - \(p.fixSuggestion)",
            confidence: (confidence(m) * 100).rounded() / 100, lowConfidence: low, model: m)
    }

    /// Within this fraction of the expected count is "right" for `confidence`.
    public static let confidenceBand = 0.2

    /// P((1 − band)·E ≤ X ≤ (1 + band)·E) for the forecast count X.
    public static func confidence(_ m: CountForecast) -> Double {
        guard m.expected > 0 else { return 0 }
        let low = Int64((m.expected * (1 - confidenceBand)).rounded(.up))
        let high = Int64((m.expected * (1 + confidenceBand)).rounded(.down))
        guard high >= low else { return 0 }
        let v = max(m.variance, m.expected)
        return max(0, CountDistribution.upperTail(low, mean: m.expected, variance: v)
                   - CountDistribution.upperTail(high + 1, mean: m.expected, variance: v))
    }
}

/// The original tool's prediction rule, reproduced as the baseline a backtest beats.
/// Its trend was INCREASING for anything seen in the last two days, else STABLE.
public enum BaselineRule {
    public struct Prediction: Sendable, Equatable {
        public var expected: Int64
        public var probability: Double
    }

    /// `lastWeekCount`: violations in the 7 days before the origin;
    /// `seenInLastTwoDays`: the original's whole trend analysis.
    public static func predict(lastWeekCount: Int64, seenInLastTwoDays: Bool, lookbackDays: Int = 7) -> Prediction {
        let trend: Trend = seenInLastTwoDays ? .increasing : .stable
        let confidence = min(0.6 + Double(lastWeekCount) / 100, 0.95)
        let factor = trend == .increasing ? 1.2 : 1.0
        let multiplier = trend == .increasing ? 1.3 : 1.0
        let daily = Double(lastWeekCount) / Double(lookbackDays)
        let expected = max(Int64(daily * 7 * factor), 1)  // Python's int() truncates
        let p = min(confidence * multiplier + min(Double(lastWeekCount) / 100, 0.3), 0.95)
        return Prediction(expected: expected, probability: (p * 100).rounded() / 100)
    }
}

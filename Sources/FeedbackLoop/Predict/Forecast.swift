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
    public var horizonStart: String
    public var horizonEnd: String
    public var recommendedAction: String
    public var confidence: Double
    public var lowConfidence: Bool
    public var model: CountForecast

    enum CodingKeys: String, CodingKey {
        case patternID = "pattern_id", function, probability, expectedOccurrences = "expected_occurrences"
        case expected, interval, intervalCoverage = "interval_coverage", timePeriod = "time_period"
        case horizonStart = "horizon_start", horizonEnd = "horizon_end"
        case recommendedAction = "recommended_action", confidence, lowConfidence = "low_confidence", model
    }
}

/// Predict: a forecast per pattern from its hourly history. Pure: the series ends at
/// the last complete hour before `originHour`, the horizon is the `horizonDays × 24`
/// hours from `originHour` on.
public enum Forecaster {
    public static func forecast(_ p: Pattern, history: [Int64], originHour: Int32,
                                settings s: ForecastSettings = ForecastSettings(), priorError: Double? = nil) -> Forecast {
        let m = RateModel.forecast(hourly: history, s, priorError: priorError)
        let low = m.historyDays < 3 || m.historyCount < 10
        // Confidence grows with history (two weeks of it) and evidence (50 events).
        let confidence = low ? min(0.5, 0.3 + m.historyDays / 30)
            : 0.5 + 0.45 * min(1, m.historyDays / 14) * min(1, Double(m.historyCount) / 50)
        let probability = (m.probability * 10_000).rounded() / 10_000
        let start = Int64(originHour) * Timestamp.microsPerHour
        return Forecast(
            patternID: p.patternID, function: p.functionName, probability: probability,
            expectedOccurrences: Int64(m.expected.rounded()), expected: m.expected, interval: [m.lower, m.upper],
            intervalCoverage: s.intervalCoverage, timePeriod: "\(s.horizonDays)_days",
            horizonStart: Timestamp.iso8601(start),
            horizonEnd: Timestamp.iso8601(start + Int64(s.horizonDays) * Timestamp.microsPerDay),
            recommendedAction: recommendedAction(probability, p.fixSuggestion),
            confidence: (confidence * 100).rounded() / 100, lowConfidence: low, model: m)
    }

    /// The original's tiers, word for word.
    public static func recommendedAction(_ probability: Double, _ fix: String) -> String {
        if probability > 0.85 { return "URGENT: Apply fix immediately - \(fix)" }
        if probability > 0.70 { return "HIGH PRIORITY: Schedule fix this week - \(fix)" }
        if probability > 0.50 { return "MEDIUM: Monitor and plan fix - \(fix)" }
        return "LOW: Track for trends - \(fix)"
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

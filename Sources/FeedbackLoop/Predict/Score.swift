/// How one forecast fared against what happened.
public struct ForecastScore: Sendable, Equatable, Codable {
    public var actual: Int64
    public var absoluteError: Double
    /// |expected − actual| / actual; nil when nothing happened (undefined).
    public var percentageError: Double?
    public var inInterval: Bool
    /// (probability − [actual ≥ 1])².
    public var brier: Double

    public init(expected: Double, interval: (Int64, Int64), probability: Double, actual: Int64) {
        self.actual = actual
        absoluteError = abs(expected - Double(actual))
        percentageError = actual > 0 ? absoluteError / Double(actual) : nil
        inInterval = actual >= interval.0 && actual <= interval.1
        let happened = actual > 0 ? 1.0 : 0.0
        brier = (probability - happened) * (probability - happened)
    }
}

/// Running accuracy over a set of scored forecasts.
public struct Accuracy: Sendable, Equatable, Codable {
    public var forecasts = 0
    /// Mean absolute percentage error over forecasts whose outcome was not zero.
    public var mape: Double?
    public var meanAbsoluteError: Double?
    /// Share of outcomes inside their interval.
    public var intervalCoverage: Double?
    public var brier: Double?

    public init() {}

    public init(_ scores: [ForecastScore]) {
        forecasts = scores.count
        guard !scores.isEmpty else { return }
        let n = Double(scores.count)
        let pct = scores.compactMap(\.percentageError)
        mape = pct.isEmpty ? nil : pct.reduce(0, +) / Double(pct.count)
        meanAbsoluteError = scores.reduce(0) { $0 + $1.absoluteError } / n
        intervalCoverage = Double(scores.filter(\.inInterval).count) / n
        brier = scores.reduce(0) { $0 + $1.brier } / n
    }

    enum CodingKeys: String, CodingKey {
        case forecasts, mape, meanAbsoluteError = "mean_absolute_error", intervalCoverage = "interval_coverage", brier
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct ForecastSettings: Sendable, Equatable {
    /// Days ahead a forecast covers.
    public var horizonDays = 7
    /// Days of history the rate reading compares (the most recent ones): this week and
    /// up to four weeks before it.
    public var lookbackDays = 35
    /// Per-day damping of the fitted trend: day k ahead moves by slope × Σ φʲ (j ≤ k),
    /// so a trend flattens instead of compounding over the horizon.
    public var damping = 0.95
    /// The fitted trend may move the rate by at most this factor, up or down, over the
    /// horizon.
    public var maxDrift = 2.0
    /// The prediction interval's coverage.
    public var intervalCoverage = 0.8
    public var trend = TrendSettings()

    public init() {}
}

/// The forecast distribution of a count: its mean, variance, and the model's reading
/// of the history it came from.
public struct CountForecast: Sendable, Equatable, Codable {
    public var expected: Double
    public var variance: Double
    public var lower: Int64
    public var upper: Int64
    /// P(count ≥ 1) over the horizon.
    public var probability: Double
    /// Fitted daily rate at the forecast origin, and the slope of log rate per day
    /// after shrinkage (0 when there was too little history to fit one).
    public var dailyRate: Double
    public var slopePerDay: Double
    public var dispersion: Double
    public var historyDays: Double
    public var historyCount: Int64
    public var burstExcluded: Bool
    /// Relative error the model showed on this pattern's recent past (0 without one).
    public var modelError: Double
    /// The same from this pattern's own checks alone, without the prior (nil when no
    /// check was possible): what the memory lends to similar patterns.
    public var measuredError: Double? = nil
    /// The reading the forecast projects: the same the pattern's trend label comes from.
    /// Not in the JSON: the pattern beside the forecast carries it (`rate`), and every
    /// stored report would otherwise hold it twice.
    public var reading: RateReading

    enum CodingKeys: String, CodingKey {
        case expected, variance, lower, upper, probability, dailyRate, slopePerDay, dispersion, historyDays
        case historyCount, burstExcluded, modelError, measuredError
    }

    init(expected: Double, variance: Double, lower: Int64, upper: Int64, probability: Double, dailyRate: Double,
         slopePerDay: Double, dispersion: Double, historyDays: Double, historyCount: Int64, burstExcluded: Bool,
         modelError: Double, measuredError: Double? = nil, reading: RateReading) {
        self.expected = expected
        self.variance = variance
        self.lower = lower
        self.upper = upper
        self.probability = probability
        self.dailyRate = dailyRate
        self.slopePerDay = slopePerDay
        self.dispersion = dispersion
        self.historyDays = historyDays
        self.historyCount = historyCount
        self.burstExcluded = burstExcluded
        self.modelError = modelError
        self.measuredError = measuredError
        self.reading = reading
    }

    /// Decoded without its reading (never stored): an empty one stands in.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(expected: try c.decode(Double.self, forKey: .expected), variance: try c.decode(Double.self, forKey: .variance),
                  lower: try c.decode(Int64.self, forKey: .lower), upper: try c.decode(Int64.self, forKey: .upper),
                  probability: try c.decode(Double.self, forKey: .probability), dailyRate: try c.decode(Double.self, forKey: .dailyRate),
                  slopePerDay: try c.decode(Double.self, forKey: .slopePerDay), dispersion: try c.decode(Double.self, forKey: .dispersion),
                  historyDays: try c.decode(Double.self, forKey: .historyDays), historyCount: try c.decode(Int64.self, forKey: .historyCount),
                  burstExcluded: try c.decode(Bool.self, forKey: .burstExcluded), modelError: try c.decode(Double.self, forKey: .modelError),
                  measuredError: try c.decodeIfPresent(Double.self, forKey: .measuredError), reading: RateReading.read(hourly: []))
    }
}

/// The rate model: the pattern's `RateReading` (recent week against the weeks before,
/// weekday factors, quasi-Poisson dispersion) projected over the horizon, with
/// - the comparison's trend shrunk by its evidence, damped and capped, so a noisy
///   ratio is not extrapolated as a real one and a real one flattens out;
/// - the level's and the slope's uncertainty propagated by the delta method;
/// - a burst in the last hours left out — a spike is not a new level;
/// - the error the same model made on this pattern's recent past added (self-checks).
/// The count over the horizon is then negative binomial with that mean and variance
/// (Poisson when there is no excess variance); the interval is its central quantiles.
public enum RateModel {
    /// Past origins at which the model checks itself (see `forecast`).
    static let selfChecks = 3
    static let priorModelError = 0.01

    /// The forecast for the `horizonDays` after the series ends. Its variance adds,
    /// to the model's own, the error the same model made on this pattern's recent
    /// past: at up to three earlier origins (one, two, three horizons back) it
    /// forecasts from the history then and compares with what followed. The mean
    /// excess of squared error over predicted variance, relative to the expected count,
    /// is the pattern's model-error term — so where trends bend or bursts recur, the
    /// interval widens by as much as the model has actually been wrong there.
    /// `priorError`: the relative error to assume before this pattern's own checks —
    /// the 1% default, or what the model measured on similar patterns the vector
    /// memory recalled.
    public static func forecast(hourly series: [Int64], _ s: ForecastSettings = ForecastSettings(),
                                priorError: Double? = nil) -> CountForecast {
        forecast(fit(hourly: series, s), s, priorError: priorError)
    }

    /// What a forecast takes from the series alone: the fit over its end, and the excess
    /// error of each self-check. Nearly all of a forecast's work, and no prior in it: a
    /// cycle makes it while Learn is still recalling the priors.
    public struct Fit: Sendable, Equatable {
        var fitted: CountForecast
        var excess: [Double]
    }

    /// `reading`: the series' reading, made already (the Analyzer's, of the same history
    /// with the same settings); nil: read here.
    public static func fit(hourly series: [Int64], _ s: ForecastSettings = ForecastSettings(),
                           reading: RateReading? = nil) -> Fit {
        let f = project(reading ?? read(history: series, s), s)
        let h = s.horizonDays * 24
        var excess: [Double] = []
        for j in 1...selfChecks {
            let cut = series.count - j * h
            guard cut >= 7 * 24 else { break }
            let past = fitted(Array(series[..<cut]), s)
            // Only a past with a real history to forecast from says anything.
            guard past.historyDays >= 7, past.historyCount >= 10, past.expected > 0 else { continue }
            let actual = Double(series[cut..<(cut + h)].reduce(0, +))
            let e = actual - past.expected
            excess.append((e * e - past.variance) / (past.expected * past.expected))
        }
        return Fit(fitted: f, excess: excess)
    }

    /// The forecast from a fit, with the prior.
    public static func forecast(_ fit: Fit, _ s: ForecastSettings = ForecastSettings(),
                                priorError: Double? = nil) -> CountForecast {
        var f = fit.fitted
        let excess = fit.excess
        // The mean is taken as if one more check had found a 1% relative error (a prior,
        // chosen on the generated backtests of `make bench`), so a pattern with
        // no usable past is not given a Poisson-narrow interval, and one lucky or
        // unlucky check does not decide the width alone. Capped at a relative error of
        // 100%: past that, a negative binomial does not describe the spread usefully.
        let prior = min(max(priorError ?? priorModelError, 0), 1)
        let c2 = min(1, max(0, (excess.reduce(0, +) + prior * prior) / Double(excess.count + 1)))
        f.modelError = c2.squareRoot()
        if !excess.isEmpty { f.measuredError = min(1, max(0, excess.reduce(0, +) / Double(excess.count))).squareRoot() }
        f.variance += c2 * f.expected * f.expected
        (f.lower, f.upper) = CountDistribution.interval(mean: f.expected, variance: f.variance,
                                                        coverage: s.intervalCoverage)
        f.probability = CountDistribution.probabilityOfAny(mean: f.expected, variance: f.variance)
        return f
    }

    static func fitted(_ series: [Int64], _ s: ForecastSettings) -> CountForecast {
        project(read(history: series, s), s)
    }

    /// The reading of a history's last `lookbackDays`: what the Analyzer labels a
    /// pattern with and what its forecast projects — one function, so they agree.
    public static func read(history: [Int64], _ s: ForecastSettings) -> RateReading {
        RateReading.read(hourly: Array(history.suffix(s.lookbackDays * 24)), s.trend)
    }

    /// The reading carried over the horizon. A pattern whose direction is STABLE is
    /// forecast at its pooled rate (both spans: the most evidence); a trending one from
    /// its recent rate, moving by the comparison's slope — shrunk by its evidence
    /// (z²/(z²+9)), damped day by day and capped at `maxDrift` — so the forecast and
    /// the label say the same thing. Weekday factors place each horizon day.
    static func project(_ r: RateReading, _ s: ForecastSettings) -> CountForecast {
        let c = r.comparison
        let trending = r.direction != .stable
        let slope = c.gapDays > 0 ? c.logRatio / c.gapDays : 0
        let slopeVariance = c.gapDays > 0 ? c.logRatioVariance / (c.gapDays * c.gapDays) : 0
        let z2 = slopeVariance > 0 ? slope * slope / slopeVariance : 0
        let shrink = trending ? z2 / (z2 + 9) : 0
        let horizon = (1...max(1, s.horizonDays)).map { k in (1...k).reduce(0.0) { $0 + pow(s.damping, Double($1)) } }
        let cap = log(s.maxDrift) / max(horizon.last!, 1e-9)
        let used = min(max(slope * shrink, -cap), cap)
        // The recent span's rate sits at its centre; carried to now.
        let recentCentre = c.basis == .weekOverWeek ? 3.5 : c.recentDays / 2
        // The level: the recent rate, drawn towards the pooled one by as much as the
        // difference between them is noise (weight 1/(1 + z²)): a steady pattern gets the
        // precision of all its weeks, a drifting one that is not yet a trend is not
        // forecast at a level it has left. A trend starts from the recent rate alone.
        let pooledCount = c.recentCount + c.earlierCount, pooledDays = c.recentDays + c.earlierDays
        let noData = pooledDays <= 0 || pooledCount <= 0
        let recentRate = (c.recentCount + 0.5) / max(c.recentDays, 1e-9)
        let pooledRate = noData ? 0.5 / max(pooledDays, 1) : pooledCount / pooledDays
        let z2Level = c.logRatioVariance > 0 ? c.logRatio * c.logRatio / c.logRatioVariance : 0
        let w = trending || c.recentDays <= 0 ? 0 : (c.earlierDays > 0 ? 1 / (1 + z2Level) : 1)
        let gap = log(pooledRate) - log(recentRate)
        let rate = exp(log(recentRate) + w * gap)
        let levelCount = c.recentCount + w * c.earlierCount
        let now = rate * exp(used * (trending ? recentCentre : 0))
        let rates = horizon.enumerated().map { k, reach in
            now * exp(used * reach) * c.dayFactors[((-(k + 1)) % 7 + 7) % 7]
        }
        let expected = rates.reduce(0, +)
        // Delta method on log E: the level's variance, and the slope's mean squared error
        // over the mean reach (shrinking trades variance for bias, and the bias counts):
        // shrink²·Var + (1 − shrink)²·max(0, β² − Var).
        let reach = (trending ? recentCentre : 0) + horizon.reduce(0, +) / Double(horizon.count)
        let slopeMSE = shrink * shrink * slopeVariance + (1 - shrink) * (1 - shrink) * max(0, slope * slope - slopeVariance)
        let levelVariance = noData ? 1 : c.dispersion / (levelCount + 0.5) + (w * gap) * (w * gap) * (1 - w)
        let logVariance = levelVariance + reach * reach * slopeMSE
        let variance = c.dispersion * expected + expected * expected * logVariance
        let (lower, upper) = CountDistribution.interval(mean: expected, variance: variance, coverage: s.intervalCoverage)
        return CountForecast(
            expected: expected, variance: variance, lower: lower, upper: upper,
            probability: CountDistribution.probabilityOfAny(mean: expected, variance: variance),
            dailyRate: now, slopePerDay: used, dispersion: c.dispersion,
            historyDays: Double(r.hoursObserved) / 24, historyCount: Int64(c.recentCount + c.earlierCount),
            burstExcluded: r.trend == .burst, modelError: 0, reading: r)
    }
}


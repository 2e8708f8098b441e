#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct ForecastSettings: Sendable, Equatable {
    /// Days ahead a forecast covers.
    public var horizonDays = 7
    /// Days of history the rate model fits (the most recent ones).
    public var lookbackDays = 14
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
}

/// The rate model: a Poisson regression of daily counts on time (log link) over the
/// recent history, fitted by Newton–Raphson, with
/// - a damped, shrunk, capped trend, so a noisy slope is not extrapolated as a real
///   one and a real one flattens out over the horizon;
/// - overdispersion measured from the fit's Pearson residuals (quasi-Poisson), so
///   bursty or badly fitted series get wider intervals;
/// - parameter uncertainty propagated to the horizon by the delta method;
/// - a burst in the last hours left out of the fit — a spike is not a new level.
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
        var f = fitted(series, s)
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
        var history = Array(series.suffix(s.lookbackDays * 24))
        // A pattern's exposure starts when it was first seen.
        if let first = history.firstIndex(where: { $0 > 0 }) { history.removeFirst(first) } else { history = [] }
        var burst = false
        if TrendTest.classify(series, s.trend).trend == .burst, history.count > s.trend.burstHours * 2 {
            history.removeLast(s.trend.burstHours)
            burst = true
        }
        let days = bin(history)
        let fit = PoissonTrendFit(days)
        let horizon = (1...max(1, s.horizonDays)).map { k in (1...k).reduce(0.0) { $0 + pow(s.damping, Double($1)) } }
        // Shrink the slope by its evidence: z²/(z² + 9) keeps a clear trend and mostly
        // drops one within three standard errors of nothing.
        let z2 = fit.slopeVariance > 0 ? fit.slope * fit.slope / fit.slopeVariance : 0
        var slope = fit.slope * z2 / (z2 + 9)
        let reach = horizon.last! + (burst ? 0.25 : 0)
        let cap = log(s.maxDrift) / max(reach, 1e-9)
        slope = min(max(slope, -cap), cap)
        // The shrunk line pivots on the data's centroid, where the fit is surest, not on
        // the last day: otherwise a noisy slope would still tilt the level it starts from.
        let c = fit.centroid
        let centre = fit.level + fit.slope * c
        let rates = horizon.map { exp(centre + slope * ($0 - c)) }
        let expected = rates.reduce(0, +)
        // Delta method in (level at the centroid, slope). For the slope, its mean squared
        // error: shrinking trades variance for bias, and the bias is an error too —
        // shrink²·Var + (1 − shrink)²·β², with β² estimated as slope² − Var.
        let shrink = fit.slope != 0 ? slope / fit.slope : 0
        let slopeMSE = shrink * shrink * fit.slopeVariance
            + (1 - shrink) * (1 - shrink) * max(0, fit.slope * fit.slope - fit.slopeVariance)
        let centreVariance = fit.levelVariance + 2 * c * fit.covariance + c * c * fit.slopeVariance
        let centreSlopeCovariance = fit.covariance + c * fit.slopeVariance
        let ga = expected, gb = zip(rates, horizon).reduce(0) { $0 + $1.0 * ($1.1 - c) }
        let parameterVariance = ga * ga * centreVariance + 2 * ga * gb * shrink * centreSlopeCovariance + gb * gb * slopeMSE
        let variance = fit.dispersion * expected + max(0, parameterVariance)
        let (lower, upper) = CountDistribution.interval(mean: expected, variance: variance, coverage: s.intervalCoverage)
        return CountForecast(
            expected: expected, variance: variance, lower: lower, upper: upper,
            probability: CountDistribution.probabilityOfAny(mean: expected, variance: variance),
            dailyRate: exp(centre - slope * c), slopePerDay: slope, dispersion: fit.dispersion,
            historyDays: Double(history.count) / 24, historyCount: history.reduce(0, +), burstExcluded: burst,
            modelError: 0)
    }

    /// Daily bins counted back from the most recent hour; the oldest may be partial.
    static func bin(_ hours: [Int64]) -> [(count: Double, exposure: Double, t: Double)] {
        var out: [(Double, Double, Double)] = []
        var end = hours.count
        var t = 0.0
        while end > 0 {
            let start = max(0, end - 24)
            out.append((Double(hours[start..<end].reduce(0, +)), Double(end - start) / 24, t))
            t -= 1
            end = start
        }
        return out.reversed()
    }
}

/// log μ(t) = level + slope·t per day, with `t = 0` the most recent day; fitted by
/// Newton–Raphson on the Poisson likelihood with exposure offsets. Too little data for
/// a slope (under 3 days or 10 events) fits a level alone.
struct PoissonTrendFit {
    var level = 0.0, slope = 0.0
    var levelVariance = 0.0, slopeVariance = 0.0, covariance = 0.0
    var dispersion = 1.0
    /// The fitted rate's centre of mass in time (days, ≤ 0).
    var centroid = 0.0

    init(_ days: [(count: Double, exposure: Double, t: Double)]) {
        let total = days.reduce(0) { $0 + $1.count }
        let exposure = days.reduce(0) { $0 + $1.exposure }
        guard total > 0, exposure > 0 else {
            // Nothing seen: a rate of zero, with the uncertainty of having seen nothing.
            level = log(0.5 / max(exposure, 1))
            levelVariance = 1
            return
        }
        level = log(total / exposure)
        let fitSlope = days.count >= 3 && total >= 10
        if fitSlope {
            for _ in 0..<30 {
                var u0 = 0.0, u1 = 0.0, i00 = 0.0, i01 = 0.0, i11 = 0.0
                for d in days where d.exposure > 0 {
                    let mu = d.exposure * exp(level + slope * d.t)
                    u0 += d.count - mu
                    u1 += (d.count - mu) * d.t
                    i00 += mu
                    i01 += mu * d.t
                    i11 += mu * d.t * d.t
                }
                let det = i00 * i11 - i01 * i01
                guard det > 1e-12 else { break }
                let da = (i11 * u0 - i01 * u1) / det, db = (i00 * u1 - i01 * u0) / det
                level += da
                slope += db
                if abs(da) < 1e-10 && abs(db) < 1e-10 { break }
            }
            if !level.isFinite || !slope.isFinite || abs(slope) > 5 {
                level = log(total / exposure)
                slope = 0
            }
        }
        var i00 = 0.0, i01 = 0.0, i11 = 0.0, pearson = 0.0
        for d in days where d.exposure > 0 {
            let mu = d.exposure * exp(level + slope * d.t)
            i00 += mu
            i01 += mu * d.t
            i11 += mu * d.t * d.t
            pearson += (d.count - mu) * (d.count - mu) / max(mu, 1e-9)
        }
        centroid = i00 > 0 ? i01 / i00 : 0
        let parameters = fitSlope ? 2.0 : 1.0
        if Double(days.count) > parameters + 1 {
            dispersion = min(max(1, pearson / (Double(days.count) - parameters)), 100)
        }
        if fitSlope {
            let det = i00 * i11 - i01 * i01
            if det > 1e-12 {
                levelVariance = dispersion * i11 / det
                slopeVariance = dispersion * i00 / det
                covariance = -dispersion * i01 / det
            }
        } else {
            levelVariance = dispersion / max(i00, 1e-9)
        }
    }
}

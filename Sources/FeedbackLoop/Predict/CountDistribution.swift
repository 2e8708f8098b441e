#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A count with a given mean and variance: Poisson when the variance is the mean,
/// negative binomial when it is larger. Quantiles are exact up to a mean of 500 and
/// from the normal approximation above (where the two agree to within a count).
public enum CountDistribution {
    /// The central interval holding `coverage` of the probability: the
    /// ((1−c)/2)-quantile and the ((1+c)/2)-quantile.
    public static func interval(mean: Double, variance: Double, coverage: Double) -> (Int64, Int64) {
        guard mean.isFinite, mean > 0 else { return (0, 0) }
        let lowP = (1 - coverage) / 2, highP = (1 + coverage) / 2
        if mean > 500 {
            let z = normalQuantile(highP), sd = variance.squareRoot()
            return (Int64(max(0, (mean - z * sd).rounded())), Int64((mean + z * sd).rounded()))
        }
        var lower: Int64 = -1
        var cdf = 0.0
        var k: Int64 = 0
        var logPMF = logPMF0(mean, variance)
        let (r, p) = negativeBinomial(mean, variance)
        while k < 100_000 {
            cdf += exp(logPMF)
            if lower < 0, cdf >= lowP { lower = k }
            if cdf >= highP { return (lower, k) }
            // pmf(k+1)/pmf(k): Poisson λ/(k+1); negative binomial (k+r)(1−p)/(k+1).
            logPMF += r.isInfinite ? log(mean / Double(k + 1)) : log((Double(k) + r) * (1 - p) / Double(k + 1))
            k += 1
        }
        return (max(lower, 0), k)
    }

    public static func probabilityOfAny(mean: Double, variance: Double) -> Double {
        guard mean.isFinite, mean > 0 else { return 0 }
        return 1 - exp(logPMF0(mean, variance))
    }

    /// (r, p) of the negative binomial with this mean and variance; r = ∞ is Poisson.
    static func negativeBinomial(_ mean: Double, _ variance: Double) -> (Double, Double) {
        guard variance > mean * 1.000_001 else { return (.infinity, 1) }
        let r = mean * mean / (variance - mean)
        return (r, r / (r + mean))
    }

    static func logPMF0(_ mean: Double, _ variance: Double) -> Double {
        let (r, p) = negativeBinomial(mean, variance)
        return r.isInfinite ? -mean : r * log(p)
    }

    /// Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9).
    public static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let pl = 0.02425
        if p < pl {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - pl { return -normalQuantile(1 - p) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}

extension CountDistribution {
    /// P(X ≥ k) for the count with this mean and variance (normal, with a continuity
    /// correction, above a mean of 500).
    public static func upperTail(_ k: Int64, mean: Double, variance: Double) -> Double {
        guard k > 0 else { return 1 }
        guard mean.isFinite, mean > 0 else { return 0 }
        if mean > 500 {
            let z = (Double(k) - 0.5 - mean) / variance.squareRoot()
            return 0.5 * erfc(z / 2.0.squareRoot())
        }
        let (r, p) = negativeBinomial(mean, variance)
        var logPMF = logPMF0(mean, variance), cdf = 0.0
        for i in 0..<k {
            cdf += exp(logPMF)
            // Past the mode the remaining terms are negligible.
            if cdf >= 1 || (Double(i) > mean && logPMF < -60) { break }
            logPMF += r.isInfinite ? log(mean / Double(i + 1)) : log((Double(i) + r) * (1 - p) / Double(i + 1))
        }
        return max(0, 1 - cdf)
    }
}

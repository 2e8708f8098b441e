#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few distribution functions the rate reading and the forecasts need, from the
/// regularized incomplete gamma and beta functions (Numerical Recipes §6.2, §6.4).
/// Double precision, no dependencies, exact enough for p-values down to 1e-12.
public enum Statistics {
    /// P(X ≥ k) for X ~ Poisson(λ).
    public static func poissonUpperTail(_ k: Int64, mean lambda: Double) -> Double {
        if k <= 0 { return 1 }
        if lambda <= 0 { return 0 }
        return regularizedGammaP(Double(k), lambda)
    }

    /// P(X ≤ k) for X ~ Poisson(λ).
    public static func poissonCDF(_ k: Int64, mean lambda: Double) -> Double {
        k < 0 ? 0 : 1 - poissonUpperTail(k + 1, mean: lambda)
    }

    /// P(X ≥ k) for X ~ Binomial(n, p).
    public static func binomialUpperTail(_ k: Int64, _ n: Int64, _ p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n { return 0 }
        return regularizedBeta(p, Double(k), Double(n - k + 1))
    }

    /// Two-sided p-value of observing k successes in n trials of probability p
    /// (twice the smaller tail, capped at 1).
    public static func binomialTwoSided(_ k: Int64, _ n: Int64, _ p: Double) -> Double {
        guard n > 0 else { return 1 }
        let upper = binomialUpperTail(k, n, p)
        let lower = 1 - binomialUpperTail(k + 1, n, p)
        return min(1, 2 * min(upper, lower))
    }

    /// P(a, x) = γ(a, x) / Γ(a).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x < a + 1 {
            // Series: converges quickly below the mean.
            var sum = 1 / a, term = sum, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return min(1, sum * exp(-x + a * log(x) - lgamma(a)))
        }
        return max(0, 1 - gammaQContinuedFraction(a, x))
    }

    private static func gammaQContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }

    /// I_x(a, b), the regularized incomplete beta function.
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x))
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a, b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b
    }

    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0, d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}

extension Statistics {
    /// Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|).
    public static func normalTwoSided(_ z: Double) -> Double {
        guard z.isFinite else { return z.isNaN ? 1 : 0 }
        return erfc(abs(z) / 2.0.squareRoot())
    }
}

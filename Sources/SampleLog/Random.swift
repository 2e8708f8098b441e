/// SplitMix64: tiny, fast, and the same sequence on every machine for a seed, which
/// is what generated test data needs (Swift's SystemRandomNumberGenerator is not
/// seedable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

public enum Poisson {
    /// An exact Poisson(λ) draw: Knuth's product method on chunks of λ ≤ 30 (a sum of
    /// Poissons is Poisson), so large means stay exact without a normal approximation.
    public static func sample(_ lambda: Double, _ rng: inout SplitMix64) -> Int {
        guard lambda > 0 else { return 0 }
        var remaining = lambda, total = 0
        while remaining > 0 {
            let chunk = min(remaining, 30)
            remaining -= chunk
            let limit = exp(-chunk)
            var p = rng.unit(), k = 0
            while p > limit { p *= rng.unit(); k += 1 }
            total += k
        }
        return total
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

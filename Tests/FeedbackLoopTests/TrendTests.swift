import Testing
@testable import FeedbackLoop
import SampleLog

@Suite struct StatisticsTests {
    @Test func tailsMatchHandComputedValues() {
        // P(X ≥ 3 | λ = 1) = 1 − e⁻¹(1 + 1 + ½) = 0.0803014…
        #expect(abs(Statistics.poissonUpperTail(3, mean: 1) - 0.080_301_4) < 1e-6)
        // P(X ≥ 40 | λ = 20), a far tail: scipy.stats.poisson.sf(39, 20) = 5.320202511e-05.
        #expect(abs(Statistics.poissonUpperTail(40, mean: 20) - 5.320_202_511e-5) < 1e-12)
        // Binomial(10, ½): P(X ≥ 9) = 11/1024; two-sided p of 9 is twice that.
        #expect(abs(Statistics.binomialUpperTail(9, 10, 0.5) - 11.0 / 1024) < 1e-12)
        #expect(abs(Statistics.binomialTwoSided(9, 10, 0.5) - 22.0 / 1024) < 1e-12)
        #expect(Statistics.binomialTwoSided(5, 10, 0.5) == 1)
        #expect(Statistics.poissonUpperTail(0, mean: 3) == 1)
    }
}

/// The trend test on series drawn from known rates. 200 series per shape, 7 days of
/// hours at ~2 violations an hour (≈ 340 a week): a steady pattern must be called
/// STABLE at least 97% of the time (the test's 1% level, with room), and each real
/// change must be found at least 95% of the time.
@Suite struct TrendTestAccuracy {
    func series(_ rate: (Int) -> Double, seed: UInt64, hours: Int = 168) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        return (0..<hours).map { Int64(Poisson.sample(rate($0), &rng)) }
    }

    func accuracy(_ expected: Trend, _ rate: @escaping (Int) -> Double) -> Double {
        let hits = (0..<200).filter { TrendTest.classify(series(rate, seed: UInt64($0) &* 7919)).trend == expected }
        return Double(hits.count) / 200
    }

    @Test func steadyIsStable() { #expect(accuracy(.stable) { _ in 2 } >= 0.97) }
    @Test func risingIsIncreasing() { #expect(accuracy(.increasing) { 1 + 2 * Double($0) / 167 } >= 0.95) }
    @Test func fallingIsDecreasing() { #expect(accuracy(.decreasing) { 3 - 2 * Double($0) / 167 } >= 0.95) }
    @Test func aSpikeIsABurst() { #expect(accuracy(.burst) { $0 >= 162 ? 12 : 2 } >= 0.95) }
    @Test func aRisingTrendIsNotABurst() {
        #expect(accuracy(.burst) { 1 + 2 * Double($0) / 167 } <= 0.03)
    }

    @Test func sparseOrEmptySeriesAreStableNotNaN() {
        #expect(TrendTest.classify([]).trend == .stable)
        #expect(TrendTest.classify([0, 0, 0]).trend == .stable)
        #expect(TrendTest.classify([Int64](repeating: 0, count: 100) + [1]).trend == .stable)
        let v = TrendTest.classify([Int64](repeating: 0, count: 168))
        #expect(v.pValue.isFinite && v.earlierRate.isFinite)
    }
}

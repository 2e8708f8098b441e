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
        // P(|Z| ≥ 1.959964) = 0.05.
        #expect(abs(Statistics.normalTwoSided(1.959_964) - 0.05) < 1e-6)
    }

    @Test func countTailsAgreeWithPoissonAndWidenWithVariance() {
        // Variance = mean is Poisson: the same tail as the incomplete gamma gives.
        #expect(abs(CountDistribution.upperTail(40, mean: 20, variance: 20) - 5.320_202_511e-5) < 1e-9)
        // Overdispersed (variance 4× the mean): the far tail is far likelier.
        #expect(CountDistribution.upperTail(40, mean: 20, variance: 80) > 0.01)
        #expect(CountDistribution.upperTail(0, mean: 5, variance: 5) == 1)
    }
}

/// The rate reading on series drawn from known rates: 200 series per shape, five
/// weeks of hours. Real logs have rhythms and noise, so the steady shapes here have
/// them too: a weekday/weekend rhythm, a nightly one, and gamma-mixed daily rates.
@Suite struct RateReadingAccuracy {
    static let hours = 35 * 24

    /// `rate(hour, dayNoise)`; the day's gamma draw is passed for overdispersed shapes.
    func series(seed: UInt64, gammaShape: Double? = nil, _ rate: (Int) -> Double) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        var noise = 1.0
        return (0..<Self.hours).map { h in
            if h % 24 == 0, let k = gammaShape { noise = Gamma.unitMean(shape: k, &rng) }
            return Int64(Poisson.sample(rate(h) * noise, &rng))
        }
    }

    func share(_ expected: Trend, gammaShape: Double? = nil, _ rate: @escaping (Int) -> Double) -> Double {
        let hits = (0..<200).filter {
            RateReading.read(hourly: series(seed: UInt64($0) &* 7919 &+ 1, gammaShape: gammaShape, rate)).trend == expected
        }
        return Double(hits.count) / 200
    }

    static func weekday(_ h: Int) -> Int { (h / 24) % 7 }

    @Test func steadyIsStable() { #expect(share(.stable) { _ in 2 } >= 0.97) }
    @Test func aWeeklyRhythmIsStable() {
        #expect(share(.stable) { h in Self.weekday(h) >= 5 ? 0.4 : 3 } >= 0.95)
    }
    @Test func aNightlyRhythmIsStableNotABurst() {
        // Busy from 00:00 to 06:00: the series ends at 06:00, the end of the busy hours.
        let rate: (Int) -> Double = { h in (h + 6) % 24 < 6 ? 8 : 1 }
        #expect(share(.stable, rate) >= 0.95)
        #expect(share(.burst, rate) <= 0.02)
    }
    @Test func overdispersedDaysAreStable() {
        // Gamma shape 4: daily rates ±50%. A Poisson test calls a third of these trending.
        #expect(share(.stable, gammaShape: 4) { _ in 3 } >= 0.95)
    }
    @Test func aDoublingIsIncreasing() {
        #expect(share(.increasing) { h in h >= Self.hours - 7 * 24 ? 4 : 2 } >= 0.95)
    }
    @Test func aHalvingIsDecreasing() {
        #expect(share(.decreasing) { h in h >= Self.hours - 7 * 24 ? 1 : 2 } >= 0.95)
    }
    @Test func aSpikeIsABurst() { #expect(share(.burst) { h in h >= Self.hours - 6 ? 12 : 2 } >= 0.95) }
    @Test func aRisingTrendIsNotABurst() {
        #expect(share(.burst) { 1 + 2 * Double($0) / Double(Self.hours) } <= 0.03)
    }

    @Test func theLabelSaysHowMuchAndHowSure() {
        let r = RateReading.read(hourly: series(seed: 5) { h in h >= Self.hours - 7 * 24 ? 4 : 2 })
        #expect(r.trend == .increasing)
        #expect(r.comparison.basis == .weekOverWeek)
        #expect((1.7...2.3).contains(r.comparison.ratio))
        #expect(r.summary.hasPrefix("INCREASING ×2"))
        #expect(r.summary.contains("week over week"))
        #expect(r.summary.contains("p < 0.001"))
    }

    @Test func twoWeeksAreComparedByHalvesAndSaySo() {
        let r = RateReading.read(hourly: Array(series(seed: 2) { _ in 2 }.suffix(10 * 24)))
        #expect(r.comparison.basis == .halves)
        #expect(r.summary.contains("later half against earlier"))
    }

    @Test func sparseOrEmptySeriesAreStableNotNaN() {
        for s in [[], [0, 0, 0], [Int64](repeating: 0, count: 100) + [1], [Int64](repeating: 0, count: 168)] as [[Int64]] {
            let r = RateReading.read(hourly: s)
            #expect(r.trend == .stable)
            #expect(r.pValue.isFinite && r.comparison.ratio.isFinite && r.comparison.recentRate.isFinite)
        }
    }
}

@Suite struct FormatTests {
    @Test func oneFormatForPValuesAndRatios() {
        #expect(Format.pValue(0.00001) == "p < 0.001")
        #expect(Format.pValue(0.0121) == "p = 0.012")
        #expect(Format.ratio(1.93) == "×1.9")
        #expect(Format.ratio(0.483) == "×0.48")
    }
}

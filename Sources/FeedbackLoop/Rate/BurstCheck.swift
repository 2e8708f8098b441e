/// A spike in the last hours, judged against the same hours of earlier days — so a
/// pattern that is busy every night is not a burst every night — and scaled by the
/// weekday factors, so a Monday after a quiet weekend is not one either.
public struct BurstCheck: Sendable, Equatable, Codable {
    /// Violations in the last `hours` hours, and the count expected there.
    public var recent: Int64
    public var expected: Double
    public var hours: Int
    /// Earlier days whose same hours were compared (0: the pattern is younger than
    /// three days, and the whole history's mean rate stood in).
    public var daysCompared: Int
    public var pValue: Double
    public var isBurst: Bool

    static let maxDays = 28
    static let minDays = 3

    static func check(_ hourly: [Int64], dayFactors: [Double], _ s: TrendSettings) -> BurstCheck {
        let h = s.burstHours, n = hourly.count
        let first = hourly.firstIndex { $0 > 0 } ?? n
        let recent = n >= h ? hourly[(n - h)...].reduce(0, +) : hourly.reduce(0, +)
        // Block d ends 24·d hours before the series does: day d of the day table.
        var blocks: [(count: Double, factor: Double)] = []
        var d = 1
        while d <= maxDays, n - 24 * d - h >= first {
            let end = n - 24 * d
            blocks.append((Double(hourly[(end - h)..<end].reduce(0, +)), dayFactors[d % 7]))
            d += 1
        }
        // A burst that recurred in the past is not the baseline: past 7 blocks, the
        // highest is left out.
        if blocks.count >= 7, let top = blocks.indices.max(by: { blocks[$0].count < blocks[$1].count }) {
            blocks.remove(at: top)
        }
        let expected: Double, variance: Double
        if blocks.count >= minDays {
            let factors = blocks.reduce(0) { $0 + $1.factor }
            let perFactor = blocks.reduce(0) { $0 + $1.count } / factors
            expected = perFactor * dayFactors[0]
            var pearson = 0.0
            for b in blocks {
                let mu = perFactor * b.factor
                if mu > 0 { pearson += (b.count - mu) * (b.count - mu) / mu }
            }
            let phi = WeekComparison.dispersion(pearson, residualDF: blocks.count - 1)
            // The count's own variance, and the baseline's: a mean of `blocks` counts.
            variance = phi * max(expected, 0.5) + phi * expected * dayFactors[0] / max(factors, 1e-9)
        } else {
            let before = max(0, n - h - first)
            let base = before > 0 ? Double(hourly[first..<(n - h)].reduce(0, +)) / Double(before) : 0
            expected = base * Double(h)
            variance = max(expected, 0.5)
        }
        let mean = max(expected, 0.5 * Double(h) / 24)
        let p = CountDistribution.upperTail(recent, mean: mean, variance: max(variance, mean))
        let burst = recent >= s.burstMinCount && Double(recent) >= s.burstRatio * mean && p < s.significance
        return BurstCheck(recent: recent, expected: expected, hours: h, daysCompared: blocks.count,
                          pValue: p, isBurst: burst)
    }
}

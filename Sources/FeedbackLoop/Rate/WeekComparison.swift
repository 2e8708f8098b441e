#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a pattern's recent rate compares with its rate before: the evidence behind the
/// trend label, the forecast's level and slope, and the priority.
public struct WeekComparison: Sendable, Equatable, Codable {
    public enum Basis: String, Sendable, Codable {
        /// The last 7 days against up to four whole weeks before, weekday by weekday.
        case weekOverWeek = "week_over_week"
        /// Under two weeks of history: the later half of the days against the earlier.
        case halves
        /// Too little history or too few violations to compare anything.
        case tooLittle = "too_little_history"
        /// The days after a merged fix against the days before it (`FixEffect`).
        case beforeAfter = "before_after"
    }

    public var basis: Basis
    /// Violations and exposed days in the recent span and the earlier one.
    public var recentCount: Double
    public var recentDays: Double
    public var earlierCount: Double
    public var earlierDays: Double
    /// Recent rate over earlier rate (weekday-adjusted for `weekOverWeek`).
    public var ratio: Double
    /// Two-sided, of "the two rates are equal", under the measured overdispersion.
    public var pValue: Double
    /// Variance over mean of the daily counts around the fitted rates (quasi-Poisson);
    /// 1 is Poisson, never below.
    public var dispersion: Double
    /// Days between the centres of the two spans: what a ratio is spread over.
    public var gapDays: Double
    /// Weekday factors (mean 1) indexed like `DayTable` days modulo 7, shrunk towards 1
    /// by the evidence; all 1 when no whole weeks were compared.
    public var dayFactors: [Double]

    /// Recent and earlier violations per day.
    public var recentRate: Double { recentDays > 0 ? recentCount / recentDays : 0 }
    public var earlierRate: Double { earlierDays > 0 ? earlierCount / earlierDays : 0 }

    /// log(ratio) and its variance: the statistic of the test and the forecast's slope.
    public var logRatio: Double { log(ratio) }
    public var logRatioVariance: Double { dispersion * (1 / (recentCount + 0.5) + 1 / (earlierCount + 0.5)) }

    static let maxWeeks = 5
    /// A week takes part when at least this many of its days were observed.
    static let minWeekDays = 5.0
    /// Weekday factors are shrunk as if this many events had been seen at factor 1.
    static let dayFactorPrior = 200.0

    /// At least a day of exposure: three violations in the hour a pattern appeared are
    /// not a rate of 72 a day.
    static func tooLittle(_ t: DayTable) -> WeekComparison {
        WeekComparison(basis: .tooLittle, recentCount: t.total, recentDays: max(t.exposedDays, 1), earlierCount: 0,
                       earlierDays: 0, ratio: 1, pValue: 1, dispersion: 1, gapDays: 0,
                       dayFactors: Array(repeating: 1, count: 7))
    }

    /// Whole weeks when there are two, else the halves of what there is (4 days at
    /// least), else nothing.
    static func compare(_ t: DayTable) -> WeekComparison {
        var weeks = 0
        while weeks < maxWeeks, weeks * 7 < t.days {
            let seen = t.exposure[(weeks * 7)..<min(t.days, weeks * 7 + 7)].reduce(0, +)
            guard seen >= minWeekDays else { break }
            weeks += 1
        }
        if weeks >= 2 { return weekOverWeek(t, weeks: weeks) }
        if t.exposedDays >= 4 { return halves(t) }
        return tooLittle(t)
    }

    /// Log-linear model of daily counts: μ(week, weekday) = exposure · a_week · b_weekday,
    /// fitted by iterative proportional fitting (the maximum-likelihood fit of a two-way
    /// table's main effects, which partial weeks make iterative). Whole weeks compared
    /// cancel any weekly rhythm; the dispersion comes from the daily residuals.
    static func weekOverWeek(_ t: DayTable, weeks: Int) -> WeekComparison {
        func cell(_ w: Int, _ d: Int) -> (n: Double, e: Double) {
            let i = w * 7 + d
            return i < t.days ? (t.counts[i], t.exposure[i]) : (0, 0)
        }
        var a = [Double](repeating: 1, count: weeks), b = [Double](repeating: 1, count: 7)
        for _ in 0..<30 {
            for d in 0..<7 {
                let n = (0..<weeks).reduce(0.0) { $0 + cell($1, d).n }
                let e = (0..<weeks).reduce(0.0) { $0 + cell($1, d).e * a[$1] }
                b[d] = e > 0 ? n / e : 0
            }
            let mean = b.reduce(0, +) / 7
            if mean > 0 { b = b.map { $0 / mean } }
            for w in 0..<weeks {
                let n = (0..<7).reduce(0.0) { $0 + cell(w, $1).n }
                let e = (0..<7).reduce(0.0) { $0 + cell(w, $1).e * b[$1] }
                a[w] = e > 0 ? n / e : 0
            }
        }
        // Cells fitted at 0 (a silent weekday or week) fit exactly and carry no residual
        // information: neither they nor their parameters count.
        var pearson = 0.0, cells = 0
        for w in 0..<weeks {
            for d in 0..<7 {
                let c = cell(w, d)
                let mu = c.e * a[w] * b[d]
                guard mu > 0 else { continue }
                cells += 1
                pearson += (c.n - mu) * (c.n - mu) / mu
            }
        }
        let parameters = a.filter { $0 > 0 }.count + b.filter { $0 > 0 }.count - 1
        let dispersion = Self.dispersion(pearson, residualDF: cells - max(1, parameters))
        // Effective days: exposure weighted by the weekday factors, so a recent week that
        // lacks a busy weekday is not read as a fall.
        func span(_ ws: Range<Int>) -> (n: Double, days: Double) {
            ws.reduce((0.0, 0.0)) { acc, w in
                (0..<7).reduce(acc) { ($0.0 + cell(w, $1).n, $0.1 + cell(w, $1).e * b[$1]) }
            }
        }
        let recent = span(0..<1), earlier = span(1..<weeks)
        let total = t.total
        let shrunk = b.map { 1 + ($0 - 1) * total / (total + dayFactorPrior) }
        return finish(.weekOverWeek, recent, earlier, dispersion: dispersion,
                      gapDays: 3.5 * Double(weeks), dayFactors: shrunk)
    }

    /// The later half of the observed days against the earlier half, with a dispersion
    /// from the days' residuals around the two halves' rates.
    static func halves(_ t: DayTable) -> WeekComparison {
        let half = t.exposedDays / 2
        var seen = 0.0, split = 0
        while split < t.days, seen < half { seen += t.exposure[split]; split += 1 }
        let recent = (n: t.counts[..<split].reduce(0, +), days: t.exposure[..<split].reduce(0, +))
        let earlier = (n: t.counts[split...].reduce(0, +), days: t.exposure[split...].reduce(0, +))
        var pearson = 0.0, cells = 0
        for i in 0..<t.days where t.exposure[i] > 0 {
            let rate = i < split ? recent.n / max(recent.days, 1e-9) : earlier.n / max(earlier.days, 1e-9)
            let mu = t.exposure[i] * rate
            guard mu > 0 else { continue }
            cells += 1
            pearson += (t.counts[i] - mu) * (t.counts[i] - mu) / mu
        }
        let parameters = (recent.n > 0 ? 1 : 0) + (earlier.n > 0 ? 1 : 0)
        return finish(.halves, recent, earlier, dispersion: dispersion(pearson, residualDF: cells - parameters),
                      gapDays: t.exposedDays / 2, dayFactors: Array(repeating: 1, count: 7))
    }

    /// Pearson χ² over its degrees of freedom, at least 1 (no underdispersion is
    /// credited) and at most 100; 1 when there are no residual degrees of freedom.
    static func dispersion(_ pearson: Double, residualDF: Int) -> Double {
        residualDF > 0 ? min(max(1, pearson / Double(residualDF)), 100) : 1
    }

    /// The quasi-Poisson Wald test of equal rates, half an event added to each count
    /// so a silent span has a finite ratio.
    static func finish(_ basis: Basis, _ recent: (n: Double, days: Double), _ earlier: (n: Double, days: Double),
                       dispersion: Double, gapDays: Double, dayFactors: [Double]) -> WeekComparison {
        guard recent.days > 0, earlier.days > 0 else {
            return WeekComparison(basis: .tooLittle, recentCount: recent.n + earlier.n,
                                  recentDays: max(recent.days + earlier.days, 1), earlierCount: 0, earlierDays: 0,
                                  ratio: 1, pValue: 1, dispersion: 1, gapDays: 0, dayFactors: Array(repeating: 1, count: 7))
        }
        let ratio = ((recent.n + 0.5) / recent.days) / ((earlier.n + 0.5) / earlier.days)
        var c = WeekComparison(basis: basis, recentCount: recent.n, recentDays: recent.days, earlierCount: earlier.n,
                               earlierDays: earlier.days, ratio: ratio, pValue: 1, dispersion: dispersion,
                               gapDays: gapDays, dayFactors: dayFactors)
        c.pValue = Statistics.normalTwoSided(c.logRatio / c.logRatioVariance.squareRoot())
        return c
    }
}

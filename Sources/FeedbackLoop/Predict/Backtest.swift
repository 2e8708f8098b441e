/// Replays a history: at each horizon boundary, forecast every pattern from what was
/// known then, and score against what came next — for the rate model and for the
/// original tool's rule on the same forecasts.
public struct Backtest: Sendable, Equatable {
    public struct PatternResult: Sendable, Equatable {
        public var function: String
        public var forecasts: Int
        public var meanWeekly: Double
        public var model: Accuracy
        public var baseline: Accuracy
    }

    public var horizonDays: Int
    /// Absolute hours (since the epoch) of each forecast origin.
    public var origins: [Int32]
    public var patterns: [PatternResult]
    public var model: Accuracy
    public var baseline: Accuracy
    /// The same, over forecasts of patterns with at least 50 violations in the week
    /// before the origin (the target population for MAPE).
    public var frequentModel: Accuracy
    public var frequentBaseline: Accuracy
    /// "The next horizon's count exceeds the last 7 days' (scaled to the horizon)":
    /// the model's probability against the original's (1 when it forecast more).
    public var exceeds = EventScore()
    /// "A quiet pattern (none in the 48 hours before the origin) recurs within the
    /// horizon": P(at least one) against the original's probability.
    public var quietRecurs = EventScore()
    /// Stated confidence against how often the outcome landed within ±20%.
    public var reliability: [ReliabilityBin] = []
    /// Share of forecasts the priority rule marks URGENT (all patterns of an origin
    /// ranked together, at equal severity).
    public var urgentShare: Double?
    /// With the true rates (generated logs): the trend label against the truth, in all
    /// and per function.
    public var trend: TrendScore?
    public var trendByFunction: [String: TrendScore] = [:]
    /// The original rule's labels on the same cases (INCREASING when seen in the last
    /// two days, else STABLE), and its share of URGENT (P(≥1) > 0.85).
    public var trendOriginal: TrendScore?
    public var urgentShareOriginal: Double?
    /// Forecasts ranked for `urgentShare`.
    public var ranked = 0
    /// Said when the figures rest on too few origins to mean much.
    public var warning: String?

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case tooShort(hours: Int, needed: Int)
        case tooLarge(days: Int, functions: Int)

        public var description: String {
            switch self {
            case .tooShort(let h, let n):
                "the log spans \(Format.fixed(Double(h) / 24, 1)) days; a backtest needs two horizons (\(n / 24) days)"
            case .tooLarge(let d, let f):
                "the log spans \(Format.group(Int64(d))) days over \(f) functions, more hourly values than the \(Format.group(Int64(Backtest.maxCells))) a backtest holds in memory; backtest a part of it (e.g. the last year)"
            }
        }
    }

    public static let frequentWeekly: Int64 = 50
    /// Fewer origins than this and the result carries a warning.
    public static let fewOrigins = 4

    /// `series`: hourly counts per function, all starting at `startHour` and `hours`
    /// long; origins fall every horizon after it (on day boundaries when it is a UTC
    /// midnight, as `series(from:)` makes it).
    /// `recall`: lend each pattern the model error measured on similar patterns (by
    /// the hashed embedding of their function names) at earlier origins, as the cycle's
    /// Predict stage does with what the vector memory recalls.
    /// `trueRates`: the hourly rates a generated log was drawn from, to score the
    /// trend labels against.
    public static func run(series: [String: [Int64]], hours: Int, startHour: Int32 = 0,
                           settings s: ForecastSettings = ForecastSettings(),
                           analysis: AnalysisSettings = AnalysisSettings(), recall: Bool = false,
                           trueRates: [String: [Double]]? = nil) throws(Failure) -> Backtest {
        let h = s.horizonDays * 24
        guard hours >= 2 * h else { throw .tooShort(hours: hours, needed: 2 * h) }
        let origins = Array(stride(from: h, through: hours - h, by: h))
        var ours: [String: [ForecastScore]] = [:], theirs: [String: [ForecastScore]] = [:]
        var frequentOurs: [ForecastScore] = [], frequentTheirs: [ForecastScore] = []
        var weekly: [String: [Int64]] = [:]
        var memory = RecalledErrors(functions: recall ? Array(series.keys) : [])
        var exceeds = EventScore(), quiet = EventScore(), confidence: [(stated: Double, hit: Bool)] = []
        var trend = trueRates.map { _ in TrendScore() }
        var trendByFunction: [String: TrendScore] = [:]
        var trendOriginal = trueRates.map { _ in TrendScore() }
        var urgentOriginal = 0
        var urgent = 0, ranked = 0
        for origin in origins {
            var measured: [String: Double] = [:]
            var atOrigin: [(expected: Double, reading: RateReading)] = []
            for (function, counts) in series.sorted(by: { $0.key < $1.key }) {
                let lastWeek = counts[max(0, origin - 7 * 24)..<origin].reduce(0, +)
                guard lastWeek >= analysis.minOccurrences else { continue }
                let actual = counts[origin..<(origin + h)].reduce(0, +)
                let m = RateModel.forecast(hourly: Array(counts[..<origin]), s, priorError: memory.prior(for: function))
                measured[function] = m.measuredError
                atOrigin.append((m.expected, m.reading))
                let mine = ForecastScore(expected: m.expected, interval: (m.lower, m.upper),
                                         probability: m.probability, actual: actual)
                let seen = counts[max(0, origin - 48)..<origin].contains { $0 > 0 }
                let b = BaselineRule.predict(lastWeekCount: lastWeek, seenInLastTwoDays: seen)
                let baseExpected = Double(b.expected) * Double(s.horizonDays) / 7
                let base = ForecastScore(expected: baseExpected, interval: (b.expected, b.expected),
                                         probability: b.probability, actual: actual)
                ours[function, default: []].append(mine)
                theirs[function, default: []].append(base)
                weekly[function, default: []].append(lastWeek)
                if lastWeek >= frequentWeekly {
                    frequentOurs.append(mine)
                    frequentTheirs.append(base)
                }
                // The events: the last week's count scaled to the horizon is the bar.
                let bar = Double(lastWeek) * Double(s.horizonDays) / 7
                let barCount = Int64(bar.rounded(.down)) + 1
                exceeds.add(model: CountDistribution.upperTail(barCount, mean: m.expected, variance: max(m.variance, m.expected)),
                            original: baseExpected > bar ? 1 : 0, happened: Double(actual) > bar)
                if b.probability > 0.85 { urgentOriginal += 1 }
                if !seen { quiet.add(model: m.probability, original: b.probability, happened: actual > 0) }
                let c = Forecaster.confidence(m)
                confidence.append((c, abs(Double(actual) - m.expected) <= Forecaster.confidenceBand * m.expected))
                if let rates = trueRates?[function], let truth = TrendScore.truth(rates, origin: origin, s.trend) {
                    trend?.add(truth: truth, label: m.reading.trend)
                    trendByFunction[function, default: TrendScore()].add(truth: truth, label: m.reading.trend)
                    trendOriginal?.add(truth: truth, label: seen ? .increasing : .stable)
                }
            }
            memory.learn(measured)
            let total = atOrigin.reduce(0) { $0 + $1.expected }
            for (rank, f) in atOrigin.sorted(by: { $0.expected > $1.expected }).enumerated() {
                let u = Priority.urgency(rank: rank + 1, share: total > 0 ? f.expected / total : 0,
                                         trend: f.reading.trend, direction: f.reading.direction)
                if u == .urgent { urgent += 1 }
                ranked += 1
            }
        }
        let patterns = ours.keys.sorted().map { f in
            PatternResult(function: f, forecasts: ours[f]!.count,
                          meanWeekly: Double(weekly[f]!.reduce(0, +)) / Double(weekly[f]!.count),
                          model: Accuracy(ours[f]!), baseline: withoutInterval(Accuracy(theirs[f]!)))
        }
        var b = Backtest(horizonDays: s.horizonDays, origins: origins.map { startHour + Int32($0) }, patterns: patterns,
                         model: Accuracy(ours.values.flatMap { $0 }),
                         baseline: withoutInterval(Accuracy(theirs.values.flatMap { $0 })),
                         frequentModel: Accuracy(frequentOurs), frequentBaseline: withoutInterval(Accuracy(frequentTheirs)))
        b.exceeds = exceeds
        b.quietRecurs = quiet
        b.reliability = ReliabilityBin.table(confidence)
        b.urgentShare = ranked > 0 ? Double(urgent) / Double(ranked) : nil
        b.trend = trend
        b.trendByFunction = trendByFunction
        b.trendOriginal = trendOriginal
        b.urgentShareOriginal = ranked > 0 ? Double(urgentOriginal) / Double(ranked) : nil
        b.ranked = ranked
        if origins.count < fewOrigins {
            b.warning = "only \(origins.count) origin(s) in \(Format.fixed(Double(hours) / 24, 0)) days: too few forecasts "
                + "for these figures to mean much; \(fewOrigins) horizons and more (\((fewOrigins + 1) * s.horizonDays) days of log) give a first reading"
        }
        return b
    }

    /// The errors measured so far per function, and which other functions are similar
    /// enough to lend theirs.
    struct RecalledErrors {
        var errors: [String: Double] = [:]
        var similar: [String: [(String, Double)]] = [:]

        init(functions: [String]) {
            let e = HashedEmbedder()
            let vectors = functions.map { e.embed($0) }
            for (i, f) in functions.enumerated() {
                similar[f] = functions.indices.compactMap { j in
                    guard j != i else { return nil }
                    let sim = vectors[i].withUnsafeBufferPointer { a in
                        vectors[j].withUnsafeBufferPointer { b in Double(Vector.dot(a, b)) }
                    }
                    return sim >= Recall.threshold ? (functions[j], sim) : nil
                }
            }
        }

        func prior(for function: String) -> Double? {
            let lent = (similar[function] ?? []).compactMap { f, sim in errors[f].map { (sim, $0) } }
            let weight = lent.reduce(0) { $0 + $1.0 }
            return weight > 0 ? lent.reduce(0) { $0 + $1.0 * $1.1 } / weight : nil
        }

        mutating func learn(_ measured: [String: Double]) {
            for (f, e) in measured { errors[f] = e }
        }
    }

    /// The original rule gives no interval; its coverage is not a number to compare.
    static func withoutInterval(_ a: Accuracy) -> Accuracy {
        var a = a
        a.intervalCoverage = nil
        return a
    }

    /// The most hourly values `series` builds (160 MB): a log spanning decades over
    /// hundreds of functions is refused, not allowed to exhaust memory.
    public static let maxCells = 20_000_000

    /// Hourly series per function from an ingested batch, starting at the UTC midnight
    /// before the first violation and ending with the hour of the last.
    public static func series(from b: IngestBatch) throws(Failure) -> (series: [String: [Int64]], startHour: Int32, hours: Int) {
        guard let first = b.buckets.keys.map(\.hour).min(), let last = b.buckets.keys.map(\.hour).max() else {
            return ([:], 0, 0)
        }
        let start = first - ((first % 24) + 24) % 24
        let hours = Int(last - start) + 1
        guard hours * b.functions.count <= maxCells else {
            throw .tooLarge(days: hours / 24, functions: b.functions.count)
        }
        var out: [String: [Int64]] = [:]
        for (k, t) in b.buckets {
            let name = b.functions[Int(k.function)]
            if out[name] == nil { out[name] = [Int64](repeating: 0, count: hours) }
            out[name]![Int(k.hour - start)] += t.count
        }
        return (out, start, hours)
    }
}

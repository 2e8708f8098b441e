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
    public var origins: [Int32]
    public var patterns: [PatternResult]
    public var model: Accuracy
    public var baseline: Accuracy
    /// The same, over forecasts of patterns with at least 50 violations in the week
    /// before the origin (the target population for MAPE).
    public var frequentModel: Accuracy
    public var frequentBaseline: Accuracy

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

    /// `series`: hourly counts per function, all starting at `startHour` (a UTC
    /// midnight, so origins fall on day boundaries) and `hours` long.
    /// `recall`: lend each pattern the model error measured on similar patterns (by
    /// the hashed embedding of their function names) at earlier origins, as the cycle's
    /// Predict stage does with what the vector memory recalls.
    public static func run(series: [String: [Int64]], hours: Int, settings s: ForecastSettings = ForecastSettings(),
                           analysis: AnalysisSettings = AnalysisSettings(), recall: Bool = false) throws(Failure) -> Backtest {
        let h = s.horizonDays * 24
        guard hours >= 2 * h else { throw .tooShort(hours: hours, needed: 2 * h) }
        let origins = Array(stride(from: h, through: hours - h, by: h))
        var ours: [String: [ForecastScore]] = [:], theirs: [String: [ForecastScore]] = [:]
        var frequentOurs: [ForecastScore] = [], frequentTheirs: [ForecastScore] = []
        var weekly: [String: [Int64]] = [:]
        var memory = RecalledErrors(functions: recall ? Array(series.keys) : [])
        for origin in origins {
            var measured: [String: Double] = [:]
            for (function, counts) in series.sorted(by: { $0.key < $1.key }) {
                let lastWeek = counts[max(0, origin - 7 * 24)..<origin].reduce(0, +)
                guard lastWeek >= analysis.minOccurrences else { continue }
                let actual = counts[origin..<(origin + h)].reduce(0, +)
                let m = RateModel.forecast(hourly: Array(counts[..<origin]), s, priorError: memory.prior(for: function))
                measured[function] = m.measuredError
                let mine = ForecastScore(expected: m.expected, interval: (m.lower, m.upper),
                                         probability: m.probability, actual: actual)
                let seen = counts[max(0, origin - 48)..<origin].contains { $0 > 0 }
                let b = BaselineRule.predict(lastWeekCount: lastWeek, seenInLastTwoDays: seen)
                let base = ForecastScore(expected: Double(b.expected) * Double(s.horizonDays) / 7,
                                         interval: (b.expected, b.expected), probability: b.probability, actual: actual)
                ours[function, default: []].append(mine)
                theirs[function, default: []].append(base)
                weekly[function, default: []].append(lastWeek)
                if lastWeek >= frequentWeekly {
                    frequentOurs.append(mine)
                    frequentTheirs.append(base)
                }
            }
            memory.learn(measured)
        }
        let patterns = ours.keys.sorted().map { f in
            PatternResult(function: f, forecasts: ours[f]!.count,
                          meanWeekly: Double(weekly[f]!.reduce(0, +)) / Double(weekly[f]!.count),
                          model: Accuracy(ours[f]!), baseline: withoutInterval(Accuracy(theirs[f]!)))
        }
        return Backtest(horizonDays: s.horizonDays, origins: origins.map(Int32.init), patterns: patterns,
                        model: Accuracy(ours.values.flatMap { $0 }),
                        baseline: withoutInterval(Accuracy(theirs.values.flatMap { $0 })),
                        frequentModel: Accuracy(frequentOurs), frequentBaseline: withoutInterval(Accuracy(frequentTheirs)))
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

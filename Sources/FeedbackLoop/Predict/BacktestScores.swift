/// What a backtest adds to MAPE and coverage: Brier scores on events whose outcome is
/// in doubt (P(at least one) of a pattern seen every hour is trivially 1, and scoring
/// it says nothing), a reliability table for the stated confidence, and — where the
/// true rates are known (generated logs) — how often the trend label was right.
public struct EventScore: Sendable, Equatable, Codable {
    public var forecasts = 0
    public var model: Double?
    public var original: Double?

    mutating func add(model p: Double, original q: Double, happened: Bool) {
        let y = happened ? 1.0 : 0.0
        let n = Double(forecasts)
        model = ((model ?? 0) * n + (p - y) * (p - y)) / (n + 1)
        original = ((original ?? 0) * n + (q - y) * (q - y)) / (n + 1)
        forecasts += 1
    }
}

/// One row of a reliability table: forecasts whose stated confidence fell in
/// [low, high), and how often their outcome landed within ±20% of the forecast.
public struct ReliabilityBin: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double
    public var forecasts = 0
    public var meanStated = 0.0
    public var observed = 0.0

    enum CodingKeys: String, CodingKey {
        case low, high, forecasts, meanStated = "mean_stated", observed
    }

    static func table(_ pairs: [(stated: Double, hit: Bool)]) -> [ReliabilityBin] {
        let edges = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0000001]
        return zip(edges, edges.dropFirst()).map { low, high in
            let inBin = pairs.filter { $0.stated >= low && $0.stated < high }
            var b = ReliabilityBin(low: low, high: min(high, 1))
            b.forecasts = inBin.count
            if !inBin.isEmpty {
                b.meanStated = inBin.reduce(0) { $0 + $1.stated } / Double(inBin.count)
                b.observed = Double(inBin.filter(\.hit).count) / Double(inBin.count)
            }
            return b
        }
    }
}

/// Trend labels against the truth of a generated log.
public struct TrendScore: Sendable, Equatable, Codable {
    /// Origins × patterns whose true change was clear (see `truth`), and the labels
    /// that matched it.
    public var scored = 0
    public var correct = 0
    /// Truly steady patterns, and how many were called INCREASING, DECREASING or BURST.
    public var steady = 0
    public var steadyCalledTrending = 0
    /// Truth → label → count.
    public var confusion: [String: [String: Int]] = [:]

    public init() {}

    init(scored: Int, correct: Int, steady: Int, steadyCalledTrending: Int, confusion: [String: [String: Int]]) {
        self.scored = scored
        self.correct = correct
        self.steady = steady
        self.steadyCalledTrending = steadyCalledTrending
        self.confusion = confusion
    }

    public var accuracy: Double? { scored > 0 ? Double(correct) / Double(scored) : nil }
    public var falseTrendRate: Double? { steady > 0 ? Double(steadyCalledTrending) / Double(steady) : nil }

    enum CodingKeys: String, CodingKey {
        case scored, correct, steady, steadyCalledTrending = "steady_called_trending", confusion
    }

    mutating func add(truth: Trend, label: Trend) {
        scored += 1
        if truth == label { correct += 1 }
        if truth == .stable {
            steady += 1
            if label != .stable { steadyCalledTrending += 1 }
        }
        confusion[truth.rawValue, default: [:]][label.rawValue, default: 0] += 1
    }

    /// The true label at an origin from the true hourly rates before it: BURST when the
    /// last `burstHours` run at 3× the same hours of the days before; else the mean
    /// rate of the last 7 days against the (up to 4) weeks before — INCREASING from
    /// ×1.5, DECREASING to ×1/1.5, STABLE within ×1.1 either way. Between those it is
    /// not clear what a person should be told, and the origin is not scored.
    public static func truth(_ rates: [Double], origin: Int, _ s: TrendSettings = TrendSettings()) -> Trend? {
        let h = s.burstHours
        guard origin >= 14 * 24 else { return nil }
        let recent = rates[(origin - h)..<origin].reduce(0, +)
        var before = 0.0, days = 0
        for d in 1...7 where origin - 24 * d - h >= 0 {
            before += rates[(origin - 24 * d - h)..<(origin - 24 * d)].reduce(0, +)
            days += 1
        }
        if days > 0, recent >= s.burstRatio * before / Double(days) { return .burst }
        let week = rates[(origin - 168)..<origin].reduce(0, +) / 168
        let start = max(0, origin - 5 * 168)
        let earlier = rates[start..<(origin - 168)].reduce(0, +) / Double(origin - 168 - start)
        guard earlier > 0 else { return nil }
        let ratio = week / earlier
        if ratio >= 1.5 { return .increasing }
        if ratio <= 1 / 1.5 { return .decreasing }
        if ratio <= 1.1, ratio >= 1 / 1.1 { return .stable }
        return nil
    }
}

extension EventScore {
    public static func + (a: EventScore, b: EventScore) -> EventScore {
        func mean(_ x: Double?, _ y: Double?) -> Double? {
            let n = a.forecasts + b.forecasts
            guard n > 0 else { return nil }
            return weighted(x ?? 0, a.forecasts, y ?? 0, b.forecasts)
        }
        return EventScore(forecasts: a.forecasts + b.forecasts, model: mean(a.model, b.model),
                          original: mean(a.original, b.original))
    }
}

extension TrendScore {
    public static func + (a: TrendScore, b: TrendScore) -> TrendScore {
        var c = TrendScore(scored: a.scored + b.scored, correct: a.correct + b.correct, steady: a.steady + b.steady,
                           steadyCalledTrending: a.steadyCalledTrending + b.steadyCalledTrending, confusion: a.confusion)
        for (truth, labels) in b.confusion {
            for (label, n) in labels { c.confusion[truth, default: [:]][label, default: 0] += n }
        }
        return c
    }
}

extension ReliabilityBin {
    public static func + (a: ReliabilityBin, b: ReliabilityBin) -> ReliabilityBin {
        let n = a.forecasts + b.forecasts
        guard n > 0 else { return a }
        func mean(_ x: Double, _ y: Double) -> Double { weighted(x, a.forecasts, y, b.forecasts) }
        return ReliabilityBin(low: a.low, high: a.high, forecasts: n, meanStated: mean(a.meanStated, b.meanStated),
                              observed: mean(a.observed, b.observed))
    }
}

extension Accuracy {
    /// Two accuracies as one, each figure weighted by its forecasts (MAPE by its
    /// forecasts too, an approximation where outcomes of zero differ in number).
    public static func + (a: Accuracy, b: Accuracy) -> Accuracy {
        var c = Accuracy()
        c.forecasts = a.forecasts + b.forecasts
        func mean(_ x: Double?, _ y: Double?) -> Double? {
            switch (x, y) {
            case (nil, nil): return nil
            case (let x?, nil): return x
            case (nil, let y?): return y
            case (let x?, let y?): return weighted(x, a.forecasts, y, b.forecasts)
            }
        }
        c.mape = mean(a.mape, b.mape)
        c.meanAbsoluteError = mean(a.meanAbsoluteError, b.meanAbsoluteError)
        c.intervalCoverage = mean(a.intervalCoverage, b.intervalCoverage)
        c.brier = mean(a.brier, b.brier)
        return c
    }
}

extension Backtest {
    /// Runs over different logs (seeds) of the same span, as one result.
    public static func merge(_ runs: [Backtest]) -> Backtest? {
        guard var m = runs.first else { return nil }
        for r in runs.dropFirst() {
            m.model = m.model + r.model
            m.baseline = m.baseline + r.baseline
            m.frequentModel = m.frequentModel + r.frequentModel
            m.frequentBaseline = m.frequentBaseline + r.frequentBaseline
            m.exceeds = m.exceeds + r.exceeds
            m.quietRecurs = m.quietRecurs + r.quietRecurs
            m.reliability = zip(m.reliability, r.reliability).map(+)
            let urgent = (m.urgentShare ?? 0) * Double(m.ranked) + (r.urgentShare ?? 0) * Double(r.ranked)
            let original = (m.urgentShareOriginal ?? 0) * Double(m.ranked) + (r.urgentShareOriginal ?? 0) * Double(r.ranked)
            m.ranked += r.ranked
            m.urgentShare = m.ranked > 0 ? urgent / Double(m.ranked) : nil
            m.urgentShareOriginal = m.ranked > 0 ? original / Double(m.ranked) : nil
            if let t = r.trendOriginal { m.trendOriginal = (m.trendOriginal ?? TrendScore()) + t }
            if let t = r.trend { m.trend = (m.trend ?? TrendScore()) + t }
            for (f, t) in r.trendByFunction { m.trendByFunction[f] = (m.trendByFunction[f] ?? TrendScore()) + t }
            for p in r.patterns {
                if let i = m.patterns.firstIndex(where: { $0.function == p.function }) {
                    let q = m.patterns[i]
                    let n = q.forecasts + p.forecasts
                    m.patterns[i] = PatternResult(
                        function: p.function, forecasts: n,
                        meanWeekly: weighted(q.meanWeekly, q.forecasts, p.meanWeekly, p.forecasts),
                        model: q.model + p.model, baseline: q.baseline + p.baseline)
                } else {
                    m.patterns.append(p)
                }
            }
        }
        m.warning = runs.count > 1 && m.origins.count * runs.count >= fewOrigins ? nil : m.warning
        return m
    }
}

/// The mean of two means, each weighted by how many values it stood for (0 for none).
func weighted(_ x: Double, _ nx: Int, _ y: Double, _ ny: Int) -> Double {
    nx + ny > 0 ? (x * Double(nx) + y * Double(ny)) / Double(nx + ny) : 0
}

/// The measured effect of an approved fix once it reached the agency's main line: the
/// agent's violations per day before the merge against after it, by a quasi-Poisson
/// comparison like the trend labels' (a Wald test on the log of the ratio, the
/// dispersion from the daily residuals; no weekday factors — until a week has passed the
/// figure is marked provisional). The hour the merge fell in counts as after it.
/// Pure: an hourly series and the merge's index in it.
public struct FixEffect: Sendable, Equatable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Significantly fewer, by at least the trend's minimum ratio.
        case worked
        /// None at all since, where the rate before would have made five or more.
        case stopped
        /// No change a test can tell (or too small to matter).
        case noEffect = "no_effect"
        /// Significantly more.
        case worse
        /// Under a day since the merge: nothing to measure yet.
        case tooEarly = "too_early"
        /// No violation in the days before the merge: nothing to compare with.
        case nothingBefore = "nothing_before"
    }

    public var proposal: Int64
    public var agent: String
    public var functions: [String]
    /// When the fix reached the main line (microseconds), and how it was found.
    public var mergedAt: Int64
    public var how: String
    public var beforePerDay: Double
    public var afterPerDay: Double
    public var beforeDays: Double
    public var afterDays: Double
    /// After over before, and the p-value of "no change".
    public var ratio: Double
    public var pValue: Double
    public var verdict: Verdict
    /// Under a week after the merge: the weekday rhythm is not averaged out yet.
    public var provisional: Bool

    init(proposal: Int64, agent: String, functions: [String], mergedAt: Int64, how: String, beforePerDay: Double,
         afterPerDay: Double, beforeDays: Double, afterDays: Double, ratio: Double, pValue: Double, verdict: Verdict,
         provisional: Bool) {
        self.proposal = proposal
        self.agent = agent
        self.functions = functions
        self.mergedAt = mergedAt
        self.how = how
        self.beforePerDay = beforePerDay
        self.afterPerDay = afterPerDay
        self.beforeDays = beforeDays
        self.afterDays = afterDays
        self.ratio = ratio
        self.pValue = pValue
        self.verdict = verdict
        self.provisional = provisional
    }

    enum CodingKeys: String, CodingKey {
        case proposal, agent, functions, mergedAt = "merged_at", how, beforePerDay = "before_per_day"
        case afterPerDay = "after_per_day", beforeDays = "before_days", afterDays = "after_days", ratio
        case pValue = "p_value", verdict, provisional, summary
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        proposal = try c.decode(Int64.self, forKey: .proposal)
        agent = try c.decode(String.self, forKey: .agent)
        functions = try c.decode([String].self, forKey: .functions)
        mergedAt = try c.decode(Int64.self, forKey: .mergedAt)
        how = try c.decode(String.self, forKey: .how)
        beforePerDay = try c.decode(Double.self, forKey: .beforePerDay)
        afterPerDay = try c.decode(Double.self, forKey: .afterPerDay)
        beforeDays = try c.decode(Double.self, forKey: .beforeDays)
        afterDays = try c.decode(Double.self, forKey: .afterDays)
        ratio = try c.decode(Double.self, forKey: .ratio)
        pValue = try c.decode(Double.self, forKey: .pValue)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        provisional = try c.decode(Bool.self, forKey: .provisional)
    }

    /// With `summary`, so a reader of the JSON (the morning report, a script) has the
    /// sentence a person reads.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(proposal, forKey: .proposal)
        try c.encode(agent, forKey: .agent)
        try c.encode(functions, forKey: .functions)
        try c.encode(mergedAt, forKey: .mergedAt)
        try c.encode(how, forKey: .how)
        try c.encode(beforePerDay, forKey: .beforePerDay)
        try c.encode(afterPerDay, forKey: .afterPerDay)
        try c.encode(beforeDays, forKey: .beforeDays)
        try c.encode(afterDays, forKey: .afterDays)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(provisional, forKey: .provisional)
        try c.encode(summary, forKey: .summary)
    }

    /// Days compared on either side of the merge, at most.
    public static let spanDays = 28

    /// `hourly`: the agent's functions' violations per hour, oldest first, ending with
    /// the last complete hour; `mergeIndex`: the hour the merge fell in.
    public static func measure(proposal: Int64, agent: String, functions: [String], mergedAt: Int64, how: String,
                               hourly: [Int64], mergeIndex: Int, _ s: TrendSettings = TrendSettings()) -> FixEffect {
        let split = min(max(0, mergeIndex), hourly.count)
        let before = Array(hourly[..<split].suffix(spanDays * 24))
        let after = Array(hourly[split...].prefix(spanDays * 24))
        // Before the merge, from the first violation on; after it, every hour counts:
        // a silence after a fix is the point.
        let first = before.firstIndex { $0 > 0 } ?? before.count
        let b = before[first...].reduce(0, +), bDays = Double(before.count - first) / 24
        let a = after.reduce(0, +), aDays = Double(after.count) / 24
        var e = FixEffect(proposal: proposal, agent: agent, functions: functions, mergedAt: mergedAt, how: how,
                          beforePerDay: bDays > 0 ? Double(b) / bDays : 0, afterPerDay: aDays > 0 ? Double(a) / aDays : 0,
                          beforeDays: bDays, afterDays: aDays, ratio: 1, pValue: 1, verdict: .tooEarly,
                          provisional: aDays < 7)
        guard aDays >= 1 else { return e }
        guard bDays >= 1 else {
            e.verdict = .nothingBefore
            return e
        }
        // The trend labels' own test and thresholds, after against before.
        let c = WeekComparison.finish(.beforeAfter, (Double(a), aDays), (Double(b), bDays),
                                      dispersion: Self.dispersion(Array(before[first...]), after),
                                      gapDays: (aDays + bDays) / 2, dayFactors: Array(repeating: 1, count: 7))
        e.ratio = c.ratio
        e.pValue = c.pValue
        if a == 0, e.beforePerDay * aDays >= 5 {
            e.verdict = .stopped
        } else {
            switch RateReading.direction(c, s) {
            case .decreasing: e.verdict = .worked
            case .increasing: e.verdict = .worse
            default: e.verdict = .noEffect
            }
        }
        return e
    }

    /// Pearson χ² of the whole days on each side around that side's rate, over its
    /// degrees of freedom (at least 1).
    static func dispersion(_ before: [Int64], _ after: [Int64]) -> Double {
        var pearson = 0.0, days = 0, sides = 0
        for side in [before, after] {
            let daily = stride(from: side.count % 24, to: side.count, by: 24).map { side[$0..<($0 + 24)].reduce(0, +) }
            guard !daily.isEmpty else { continue }
            let mean = Double(daily.reduce(0, +)) / Double(daily.count)
            guard mean > 0 else { continue }
            for d in daily { pearson += (Double(d) - mean) * (Double(d) - mean) / mean }
            days += daily.count
            sides += 1
        }
        return WeekComparison.dispersion(pearson, residualDF: days - sides)
    }

    /// "fix for planner merged 2026-11-20: −83% (41 → 7 a day, p < 0.001)".
    public var summary: String {
        let date = String(Timestamp.iso8601(mergedAt).prefix(10))
        let head = "fix for \(agent) merged \(date) (proposal #\(proposal))"
        let rates = "\(Self.perDay(beforePerDay)) → \(Self.perDay(afterPerDay)) a day"
        switch verdict {
        case .tooEarly: return "\(head): too early to tell (\(Format.fixed(afterDays * 24, 0)) hours since)"
        case .nothingBefore: return "\(head): no violations in the \(Self.spanDays) days before it, nothing to compare with"
        case .stopped: return "\(head): stopped — none since (\(rates) over \(Format.fixed(afterDays, 0)) days, \(Format.pValue(pValue)))"
        default:
            let change = (ratio - 1) * 100
            let sign = change < 0 ? "−" : "+"
            var line = "\(head): \(sign)\(Format.fixed(abs(change), 0))% (\(rates), \(Format.pValue(pValue)))"
            if verdict == .noEffect { line += " — no measurable effect" }
            if verdict == .worse { line += " — worse since" }
            if provisional { line += "; provisional: \(Format.fixed(afterDays, 1)) days since" }
            return line
        }
    }

    static func perDay(_ v: Double) -> String { v >= 10 ? Format.fixed(v, 0) : Format.fixed(v, 1) }

    /// Did it help: worked or stopped counts for, worse or no effect against; too early,
    /// nothing before, or provisional (under a week, under-powered) counts for nothing.
    public var helped: Bool? {
        guard !provisional else { return nil }
        switch verdict {
        case .worked, .stopped: return true
        case .noEffect, .worse: return false
        case .tooEarly, .nothingBefore: return nil
        }
    }
}

/// What the agent's measured fixes say about the next proposal for it: a Beta(4, 1)
/// prior — most fixes a person approved help — updated by each measured fix. Its
/// mean over the prior's (0.8) scales the proposal's confidence: 1 with no record,
/// 5/4.8 after one that worked, 4/4.8 after one that did not.
public struct FixRecord: Sendable, Equatable {
    public var helped = 0
    public var measured = 0

    public init(_ effects: [FixEffect]) {
        for e in effects { if let h = e.helped { measured += 1; if h { helped += 1 } } }
    }

    public var factor: Double { (Double(helped) + 4) / (Double(measured) + 5) / 0.8 }

    /// A sentence for the proposal's rationale, nil with no record.
    public var summary: String? {
        measured > 0 ? "Earlier fixes for this agent: \(helped) of \(measured) measured as working." : nil
    }
}

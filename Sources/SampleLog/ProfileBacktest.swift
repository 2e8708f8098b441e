import FeedbackLoop

/// `backtest --profiles`: the backtest over generated logs whose true rates are known
/// (`SampleFunction.extended`, one log per seed), so the trend labels are scored against
/// the truth, and the figures are given per profile.
public struct ProfileBacktest: Sendable {
    public var seeds: [UInt64]
    public var days = 63
    public var lines = 200_000
    public var end: Microseconds
    public var settings = ForecastSettings()
    /// Lands an approved fix in a git repository (approved at, merged at) and returns
    /// the merge instant git says — the closed loop's check; nil: not run.
    public var land: (@Sendable (_ approvedAt: Microseconds, _ mergedAt: Microseconds, _ run: Int) throws -> Microseconds?)?

    public init(seeds: [UInt64], end: Microseconds) {
        self.seeds = seeds
        self.end = end
    }

    public struct Result: Sendable {
        /// All seeds, all functions.
        public var all: Backtest
        /// Per profile: the merged accuracy of its functions and its trend labels.
        public var profiles: [(profile: RateProfile, accuracy: Accuracy, trend: TrendScore)]
        /// Per log: the `fixed` function's fix, landed in git and measured.
        public var fixes: [FixCheck] = []
    }

    /// One log's fix: when it was merged, when git says it was, and the effect measured
    /// from then on against the generated one.
    public struct FixCheck: Sendable {
        public var mergedAt: Microseconds
        public var found: Microseconds?
        public var effect: FixEffect?
    }

    /// Each seed at `lines`, a tenth and a hundredth of it: patterns are quiet for days
    /// only in the smaller logs, where "a quiet pattern recurs" has cases to score.
    public func run() throws(Backtest.Failure) -> Result? {
        var runs: [Backtest] = []
        var fixes: [FixCheck] = []
        for seed in seeds {
            for size in [lines, lines / 10, lines / 100] {
                var log = SampleLog(lines: size, days: days, end: end)
                log.seed = seed
                log.functions = SampleFunction.extended
                let truth = Dictionary(uniqueKeysWithValues: zip(log.functions.map(\.name), log.hourlyRates(noise: false)))
                let counts = log.hourlyCounts()
                runs.append(try Backtest.run(series: counts, hours: days * 24, startHour: log.startHour,
                                             settings: settings, trueRates: truth))
                if let land, let fixed = log.functions.first(where: { $0.profile == .fixed }), let series = counts[fixed.name] {
                    fixes.append(check(series, log, land, run: fixes.count, function: fixed.name))
                }
            }
        }
        guard let all = Backtest.merge(runs) else { return nil }
        let profileOf = Dictionary(uniqueKeysWithValues: SampleFunction.extended.map { ($0.name, $0.profile) })
        let profiles = RateProfile.allCases.map { profile in
            let names = Set(profileOf.filter { $0.value == profile }.keys)
            let accuracy = all.patterns.filter { names.contains($0.function) }.map(\.model).reduce(Accuracy(), +)
            let trend = names.compactMap { all.trendByFunction[$0] }.reduce(TrendScore(), +)
            return (profile, accuracy, trend)
        }
        return Result(all: all, profiles: profiles, fixes: fixes)
    }

    /// The fix lands in the hour the profile drops (the merge half an hour into it,
    /// approved two days before); the effect is measured from the instant git reports.
    func check(_ series: [Int64], _ log: SampleLog, _ land: (Microseconds, Microseconds, Int) throws -> Microseconds?,
               run: Int, function: String) -> FixCheck {
        let fixIndex = Int((RateProfile.fixAt * Double(series.count - 1)).rounded(.up))
        let mergedAt = Int64(log.startHour + Int32(fixIndex)) * Timestamp.microsPerHour + 30 * 60 * 1_000_000
        var c = FixCheck(mergedAt: mergedAt)
        c.found = try? land(mergedAt - 2 * Timestamp.microsPerDay, mergedAt, run)
        guard let found = c.found else { return c }
        let index = Int(Timestamp.hour(of: found) - log.startHour)
        c.effect = FixEffect.measure(proposal: 1, agent: "researcher", functions: [function], mergedAt: found, how: "merged",
                                     hourly: series, mergeIndex: index, settings.trend)
        return c
    }
}

extension ProfileBacktest.Result {
    public func text() -> String {
        var out = ["Per profile:", "",
                   "| profile | forecasts | MAPE | 80% interval coverage | trend right | scored | steady called trending |",
                   "|---|---:|---:|---:|---:|---:|---:|"]
        for p in profiles {
            out.append("| \(p.profile.rawValue) | \(p.accuracy.forecasts) | \(pct(p.accuracy.mape)) | \(pct(p.accuracy.intervalCoverage)) | "
                       + "\(pct(p.trend.accuracy)) | \(p.trend.scored) | \(pct(p.trend.falseTrendRate)) |")
        }
        return all.text() + "\n" + out.joined(separator: "\n") + "\n" + fixText()
    }

    /// The closed loop's figures: merge instants found, effects measured.
    func fixText() -> String {
        guard !fixes.isEmpty else { return "" }
        let found = fixes.compactMap { f in f.found.map { abs($0 - f.mergedAt) } }
        let changes = fixes.compactMap { $0.effect.map { $0.ratio - 1 } }.sorted()
        let target = -RateProfile.fixEffect
        let within = changes.filter { abs($0 - target) <= 0.15 * RateProfile.fixEffect }.count
        var out = ["", "Fixes: the `fixed` profile's fix (−\(Format.fixed(RateProfile.fixEffect * 100, 0))% at a known instant), "
                   + "landed in git by merge, squash, rebase and cherry-pick in turn, one per log:"]
        out.append("   merge instant found in \(found.count) of \(fixes.count), off by at most "
                   + "\(Format.fixed(Double(found.max() ?? 0) / 3_600_000_000, 2)) hours (target: within a day)")
        if let lo = changes.first, let hi = changes.last {
            let median = changes[changes.count / 2]
            out.append("   effect measured: median \(Format.fixed(median * 100, 1))% (\(Format.fixed(lo * 100, 1))% to "
                       + "\(Format.fixed(hi * 100, 1))%); within ±15% of the generated one in \(within) of \(changes.count)")
            let verdicts = Dictionary(grouping: fixes.compactMap { $0.effect?.verdict.rawValue }, by: { $0 })
            out.append("   verdicts: " + verdicts.keys.sorted().map { "\($0) \(verdicts[$0]!.count)" }.joined(separator: ", "))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func pct(_ v: Double?) -> String { Backtest.pct(v) }
}

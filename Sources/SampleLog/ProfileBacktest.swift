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

    public init(seeds: [UInt64], end: Microseconds) {
        self.seeds = seeds
        self.end = end
    }

    public struct Result: Sendable {
        /// All seeds, all functions.
        public var all: Backtest
        /// Per profile: the merged accuracy of its functions and its trend labels.
        public var profiles: [(profile: RateProfile, accuracy: Accuracy, trend: TrendScore)]
    }

    /// Each seed at `lines`, a tenth and a hundredth of it: patterns are quiet for days
    /// only in the smaller logs, where "a quiet pattern recurs" has cases to score.
    public func run() throws(Backtest.Failure) -> Result? {
        var runs: [Backtest] = []
        for seed in seeds {
            for size in [lines, lines / 10, lines / 100] {
                var log = SampleLog(lines: size, days: days, end: end)
                log.seed = seed
                log.functions = SampleFunction.extended
                let truth = Dictionary(uniqueKeysWithValues: zip(log.functions.map(\.name), log.hourlyRates(noise: false)))
                runs.append(try Backtest.run(series: log.hourlyCounts(), hours: days * 24, startHour: log.startHour,
                                             settings: settings, trueRates: truth))
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
        return Result(all: all, profiles: profiles)
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
        return all.text() + "\n" + out.joined(separator: "\n") + "\n"
    }

    private func pct(_ v: Double?) -> String { v.map { Format.fixed($0 * 100, 1) + "%" } ?? "—" }
}

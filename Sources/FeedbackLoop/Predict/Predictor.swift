/// Predict, for a cycle: one forecast per pattern. The history is each pattern's
/// complete hours before `nowHour`; the horizon starts with the hour `now` is in.
public enum Predictor {
    /// Hours of history a forecast reads: the model's lookback plus the past horizons
    /// it checks itself against.
    public static func historyHours(_ s: ForecastSettings) -> Int {
        (s.lookbackDays + RateModel.selfChecks * s.horizonDays) * 24
    }

    /// Forecasts in priority order, and the patterns ranked by them.
    public static func predict(_ patterns: [Pattern], rows: [BucketRow], nowHour: Int32,
                               settings s: ForecastSettings = ForecastSettings(),
                               cost: CostAssumptions = CostAssumptions(),
                               priors: [String: Double] = [:]) -> Prioritizer.Prioritized {
        predict(patterns, histories: Analyzer.seriesByFunction(rows, endHour: nowHour - 1, hours: historyHours(s)),
                settings: s, cost: cost, priors: priors)
    }

    /// The same from histories summed already (`historyHours` each): the forecasts start
    /// the hour after they end. `fits`: what `fits(_:histories:settings:)` made of the
    /// same patterns and histories, by pattern (a pattern without one is fitted here).
    public static func predict(_ patterns: [Pattern], histories: FunctionHistories,
                               settings s: ForecastSettings = ForecastSettings(),
                               cost: CostAssumptions = CostAssumptions(),
                               priors: [String: Double] = [:], fits: [String: RateModel.Fit] = [:]) -> Prioritizer.Prioritized {
        let forecasts = patterns.map { p in
            Forecaster.forecast(p, history: history(p, histories, s), originHour: histories.endHour + 1, settings: s,
                                priorError: priors[p.patternID], fit: fits[p.patternID])
        }
        return Prioritizer.prioritize(patterns, forecasts, cost: cost)
    }

    /// Each pattern's fit, by pattern: the forecasts' work that needs no prior. The
    /// pattern's reading is the Analyzer's of this same history (`histories` are the ones
    /// it summed, with these settings), so it is not read again.
    public static func fits(_ patterns: [Pattern], histories: FunctionHistories,
                            settings s: ForecastSettings = ForecastSettings()) -> [String: RateModel.Fit] {
        Dictionary(patterns.map { ($0.patternID, RateModel.fit(hourly: history($0, histories, s), s, reading: $0.rate)) },
                   uniquingKeysWith: { a, _ in a })
    }

    static func history(_ p: Pattern, _ histories: FunctionHistories, _ s: ForecastSettings) -> [Int64] {
        histories.hourly[p.functionName] ?? [Int64](repeating: 0, count: max(0, historyHours(s)))
    }
}

/// The running accuracy a report carries.
public struct ForecastAccuracy: Sendable, Equatable, Codable {
    public var lastThirtyDays: Accuracy
    public var allTime: Accuracy
    public var scoredThisCycle: Int
    /// Forecasts still waiting for their horizon to pass.
    public var pending: Int

    public init(lastThirtyDays: Accuracy, allTime: Accuracy, scoredThisCycle: Int, pending: Int) {
        self.lastThirtyDays = lastThirtyDays
        self.allTime = allTime
        self.scoredThisCycle = scoredThisCycle
        self.pending = pending
    }

    /// Until a first horizon has passed there is nothing to measure, and the report
    /// says so instead of printing a number.
    public var hasHistory: Bool { allTime.forecasts > 0 }

    enum CodingKeys: String, CodingKey {
        case lastThirtyDays = "last_30_days", allTime = "all_time", scoredThisCycle = "scored_this_cycle", pending
    }
}

import FeedbackLoop
import StateStore

/// What Predict made: a forecast per pattern, the patterns ranked by them, and how
/// right the earlier forecasts were.
struct Predicted {
    var forecasts: [Forecast]
    var patterns: [Pattern]
    var accuracy: ForecastAccuracy
}

/// Predict: score what has come due, forecast each pattern — lending a pattern with no
/// track record of its own the model error measured on similar ones the memory recalled
/// — store the forecasts, and remember each measured error. One transaction.
extension CycleRun {
    /// `fits`: the patterns' fits from `Predictor.fits`, made while Learn ran.
    func predict(_ a: Analyzed, _ learned: Learned, fits: [String: RateModel.Fit] = [:]) async throws -> Predicted {
        let patterns = a.analysis.patterns
        return try await stage(.predict, "\(Stage.predict.gerund) \(patterns.count) patterns") {
            let nowHour = Timestamp.hour(of: o.now)
            let priors = learned.recall.modelErrorPriors()
            // The histories Analyze summed end the hour before its window's end, the
            // hour of the cycle's `now`: the forecasts start at `nowHour`.
            let ranked = Predictor.predict(patterns, histories: a.histories, settings: o.forecast,
                                           cost: o.settings.cost, priors: priors, fits: fits)
            let forecasts = ranked.forecasts
            let (scored, accuracy) = try store.batch {
                let scored = try store.scoreDueForecasts(nowHour: nowHour, at: o.now)
                try store.record(forecasts, cycle: cycle, madeAt: o.now, horizonHours: o.forecast.horizonDays * 24)
                try store.annotateMemory(kind: .pattern, Dictionary(forecasts.compactMap { f in
                    f.model.measuredError.map { (f.patternID, ["model_error": $0]) }
                }, uniquingKeysWith: { a, _ in a }))
                return (scored, try store.forecastAccuracy(nowHour: nowHour, scoredThisCycle: scored))
            }
            var detail = "\(forecasts.count) forecast(s) for \(o.forecast.horizonDays) days; \(scored) past forecast(s) scored"
            if !priors.isEmpty { detail += "; \(priors.count) with a model-error prior recalled from similar patterns" }
            if !accuracy.hasHistory { detail += "; accuracy: not enough history yet" }
            let urgent = ranked.patterns.filter { $0.priority?.urgency == .urgent }.count
            detail += "; \(urgent) urgent"
            return StageResult(value: Predicted(forecasts: forecasts, patterns: ranked.patterns, accuracy: accuracy),
                               detail: detail)
        }
    }
}

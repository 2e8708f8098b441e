/// Each function's counts per hour over the forecasts' look-back
/// (`Predictor.historyHours`), oldest first, the last at `endHour`. Summed once from the
/// rows by Analyze, where the rate reading reads them, and handed to Predict, whose
/// forecasts start the hour after `endHour`: the series and the hour they end at travel
/// together, so the two stages cannot disagree about which hours they are.
public struct FunctionHistories: Sendable, Equatable {
    /// The last hour of every series.
    public var endHour: Int32
    public var hourly: [String: [Int64]]

    public init(endHour: Int32, hourly: [String: [Int64]]) {
        self.endHour = endHour
        self.hourly = hourly
    }
}

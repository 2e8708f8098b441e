import ArgumentParser
import FeedbackLoop

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay a log: forecast at each horizon boundary from what was known then, score against what came next.")

    @Option(help: "The violations log to replay.")
    var log: String

    @Option(help: "Days each forecast covers.")
    var horizonDays = 7

    @Option(help: "Days of history the rate reading compares (this week and up to four before it).")
    var lookbackDays = 35

    @Flag(help: "Lend each pattern the model error measured on similar patterns (as the cycle does with the vector memory's recall).")
    var recall = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if !(1...90).contains(horizonDays) { throw ValidationError("--horizon-days must be 1…90") }
        if !(1...365).contains(lookbackDays) { throw ValidationError("--lookback-days must be 1…365") }
    }

    func run() async throws {
        let read: IngestResult
        // Lines dated before 2000 or after tomorrow are malformed here as in a cycle: two
        // lines dated 1970 and 9999 would otherwise span 70,000 years of hours.
        let now = CycleCommand.wallClock()
        do { read = try await LogIngest.read(path: log, after: nil, validTimes: Timestamp.plausible(at: now)) } catch let e as LogFileError {
            throw fail(e.description, ExitStatus.noInput)
        }
        let series: [String: [Int64]], hours: Int, start: Int32
        do { (series, start, hours) = try Backtest.series(from: read.batch) } catch {
            throw fail("backtest: \(error.description)", ExitStatus.dataError)
        }
        var s = ForecastSettings()
        s.horizonDays = horizonDays
        s.lookbackDays = lookbackDays
        do {
            let result = try Backtest.run(series: series, hours: hours, startHour: start, settings: s, recall: recall)
            print(json ? result.json() : result.text(), terminator: json ? "\n" : "")
        } catch {
            throw fail("backtest: \(error.description)", ExitStatus.dataError)
        }
    }
}

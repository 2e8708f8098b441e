import ArgumentParser
import FeedbackLoop
import SampleLog
import Approval

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay a log: forecast at each horizon boundary from what was known then, score against what came next.")

    @Option(help: "The violations log to replay.")
    var log: String?

    @Flag(help: "Replay generated logs of known rates instead (every profile of `sample --extended`), scoring the trend labels against the truth.")
    var profiles = false

    @Option(help: "With --profiles: how many logs (seeds 1…N).")
    var seeds = 5

    @Option(help: "With --profiles: days each log spans.")
    var days = 63

    @Option(help: "With --profiles: about how many lines each log has.")
    var lines = 200_000

    @Option(help: "With --profiles: the last instant of the logs (ISO 8601; default: now). The same --end and seeds give the same figures.")
    var end: String?

    @Option(help: "Days each forecast covers.")
    var horizonDays = 7

    @Option(help: "Days of history the rate reading compares (this week and up to four before it).")
    var lookbackDays = 35

    @Flag(help: "Lend each pattern the model error measured on similar patterns (as the cycle does with the vector memory's recall).")
    var recall = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if (log == nil) == !profiles { throw ValidationError("give --log PATH or --profiles (one of them)") }
        if !(1...100).contains(seeds) { throw ValidationError("--seeds must be 1…100") }
        if !(14...3650).contains(days) { throw ValidationError("--days must be 14…3650") }
        if !(1_000...100_000_000).contains(lines) { throw ValidationError("--lines must be 1000…100000000") }
        if let end, Timestamp.parse(end) == nil { throw ValidationError("--end '\(end)' is not an ISO 8601 timestamp") }
        if !(1...90).contains(horizonDays) { throw ValidationError("--horizon-days must be 1…90") }
        if !(1...365).contains(lookbackDays) { throw ValidationError("--lookback-days must be 1…365") }
    }

    func run() async throws {
        var s = ForecastSettings()
        s.horizonDays = horizonDays
        s.lookbackDays = lookbackDays
        guard let log else { return try runProfiles(s) }
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
        do {
            let result = try Backtest.run(series: series, hours: hours, startHour: start, settings: s, recall: recall)
            print(json ? result.json() : result.text(), terminator: json ? "\n" : "")
        } catch {
            throw fail("backtest: \(error.description)", ExitStatus.dataError)
        }
    }

    func runProfiles(_ s: ForecastSettings) throws {
        var b = ProfileBacktest(seeds: (1...seeds).map(UInt64.init), end: end.flatMap(Timestamp.parse) ?? CycleCommand.wallClock())
        b.days = days
        b.lines = lines
        b.settings = s
        b.land = { approved, merged, run in
            let styles = LandingRehearsal.Style.allCases
            return try LandingRehearsal.land(styles[run % styles.count], approvedAt: approved, mergedAt: merged)
        }
        do {
            guard let result = try b.run() else { return }
            print(json ? result.all.json() : result.text(), terminator: json ? "\n" : "")
        } catch {
            throw fail("backtest: \(error.description)", ExitStatus.dataError)
        }
    }
}

import ArgumentParser
import FeedbackLoop
import SampleLog

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a synthetic violations log with known rates (rising, steady, falling, burst, rare).")

    @Option(help: "Where to write it.")
    var output: String?

    @Flag(help: "List the synthetic functions and their rate profiles instead.")
    var profiles = false

    @Flag(help: "Add the functions with rhythms, noise, steps, a spike and a fix (what backtest --profiles generates).")
    var extended = false

    @Option(help: "About how many lines.")
    var lines = 5_000

    @Option(help: "Days the log spans, ending at --end.")
    var days = 14

    @Option(help: "Last instant of the log (ISO 8601; default: now).")
    var end: String?

    @Option(help: "Make every Nth line malformed (0: none).")
    var malformedEvery = 0

    @Option(help: "Random seed; the same seed writes the same log.")
    var seed: UInt64 = 42

    func validate() throws {
        if output == nil, !profiles { throw ValidationError("--output is required") }
        // Bounded so the log (and the memory it is built in) stays sane: ten years,
        // a hundred million lines (about 20 GB).
        if !(0...100_000_000).contains(lines) { throw ValidationError("--lines must be 0…100000000, not \(lines)") }
        if !(1...3650).contains(days) { throw ValidationError("--days must be 1…3650, not \(days)") }
        if malformedEvery < 0 { throw ValidationError("--malformed-every must be 0 or more, not \(malformedEvery)") }
        if let end, Timestamp.parse(end) == nil { throw ValidationError("--end '\(end)' is not an ISO 8601 timestamp") }
    }

    var functions: [SampleFunction] { extended ? SampleFunction.extended : SampleFunction.standard }

    func run() throws {
        if profiles {
            for f in functions { print("\(f.name) \(f.profile.rawValue)") }
            return
        }
        guard let output else { return }
        var s = SampleLog(lines: lines, days: days, end: end.flatMap(Timestamp.parse) ?? CycleCommand.wallClock())
        s.seed = seed
        s.functions = functions
        s.malformedEvery = malformedEvery > 0 ? malformedEvery : nil
        do { try s.write(to: output) } catch {
            throw fail("cannot write \(output): \(error.localizedDescription)", ExitStatus.cantCreate)
        }
    }
}

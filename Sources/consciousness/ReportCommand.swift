import ArgumentParser
import Control
import Cycle
import Daemon
import FeedbackLoop
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a cycle's report, or with --morning the night's summary (from the daemon, or a state directory).")

    @Flag(help: "The morning report: the night's summary the daemon wrote at MORNING_REPORT_AT.")
    var morning = false

    @Option(help: "With --morning: the date the night ends on, YYYY-MM-DD (default: the latest stored).")
    var date: String?

    @Option(help: "With --morning: also write morning-DATE.md, .json and .svg into this directory.")
    var output: String?

    @Option(help: "The cycle to print (default: the latest).")
    var cycle: Int64?

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "State directory to read instead of asking the daemon (default when none answers: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Option(help: "Configuration file, for MORNING_REPORT_AT and CYCLE_INTERVAL when a morning report must be computed without the daemon (default: $CONSCIOUSNESS_CONFIG, else /etc/consciousness/consciousness.env if it exists).")
    var config: String?

    @Flag(help: "With --morning: what left the machine that night (AGENCY_MODE=hybrid): each remote Architect call's payload, exactly as sent, and its cost.")
    var sent = false

    func validate() throws {
        if !morning, sent { throw ValidationError("--sent needs --morning") }
        if sent, output != nil { throw ValidationError("--sent and --output exclude each other") }
        if morning, cycle != nil { throw ValidationError("--cycle and --morning exclude each other") }
        if !morning, date != nil { throw ValidationError("--date needs --morning") }
        if !morning, output != nil { throw ValidationError("--output needs --morning") }
        if let cycle, cycle < 1 { throw ValidationError("--cycle must be 1 or more, not \(cycle)") }
        if let date, LocalDate(date) == nil { throw ValidationError("--date '\(date)' is not a date YYYY-MM-DD (e.g. 2025-10-08)") }
    }

    func run() async throws {
        let source = try Source.resolve(stateDir: stateDir)
        guard morning else {
            switch source {
            case .daemon(let d):
                var q = [json ? "json=1" : nil, cycle.map { "cycle=\($0)" }].compactMap { $0 }.joined(separator: "&")
                if !q.isEmpty { q = "?" + q }
                try await printing { try await d.output(.GET, "/v1/report" + q) }
            case .local(let ops): try await printing { try ops.report(cycle: cycle, json: json) }
            }
            return
        }
        let report: MorningReport
        do { report = try await morningReport(source) } catch let f as CommandFailure { throw f.exit }
        if sent {
            let night = report.night.date
            switch source {
            case .daemon(let d):
                try await printing { try await d.output(.GET, "/v1/report/morning/sent?date=\(night)" + (json ? "&json=1" : "")) }
            case .local(let ops): try await printing { try ops.sent(night: night, json: json) }
            }
            return
        }
        print(json ? report.json() : report.text(), terminator: "")
        if let output {
            do {
                let files = try MorningReporter.write(report, to: output)
                FileHandle.standardError.write(Data("wrote \(files.markdown), \(files.json), \(files.chart)\n".utf8))
            } catch {
                throw fail("cannot write the morning report into \(output): \(error.localizedDescription)", ExitStatus.cantCreate)
            }
        }
    }

    private func morningReport(_ source: Source) async throws -> MorningReport {
        switch source {
        case .daemon(let d):
            let text = try await d.output(.GET, "/v1/report/morning" + (date.map { "?date=\($0)" } ?? ""))
            do { return try MorningReport.decode(json: text) } catch {
                throw CommandFailure("the daemon's morning report cannot be read: \(error)", CommandFailure.software)
            }
        case .local(let ops):
            let env = ProcessInfo.processInfo.environment
            let cfg: DaemonConfig
            do { cfg = try DaemonConfig.load(file: ConfigFile.path(config, env), environment: env) } catch {
                throw CommandFailure("configuration refused: \(error)", CommandFailure.config)
            }
            return try await ops.morning(date: date.flatMap(LocalDate.init), config: cfg, zone: .current)
        }
    }
}

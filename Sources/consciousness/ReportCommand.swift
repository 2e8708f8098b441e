import ArgumentParser
import Cycle
import Daemon
import FeedbackLoop
import Foundation
import StateStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a cycle's report, or with --morning the night's summary, from the state store.")

    @Flag(help: "The morning report: the night's summary the daemon wrote at MORNING_REPORT_AT.")
    var morning = false

    @Option(help: "With --morning: the date the night ends on, YYYY-MM-DD (default: the latest stored).")
    var date: String?

    @Option(help: "The cycle to print (default: the latest).")
    var cycle: Int64?

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "State directory (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Option(help: "Configuration file, for MORNING_REPORT_AT and CYCLE_INTERVAL when a morning report must be computed (default: $CONSCIOUSNESS_CONFIG, else /etc/consciousness/consciousness.env if it exists).")
    var config: String?

    func validate() throws {
        if morning, cycle != nil { throw ValidationError("--cycle and --morning exclude each other") }
        if !morning, date != nil { throw ValidationError("--date needs --morning") }
        if let cycle, cycle < 1 { throw ValidationError("--cycle must be 1 or more, not \(cycle)") }
        if let date, LocalDate(date) == nil { throw ValidationError("--date '\(date)' is not a date YYYY-MM-DD (e.g. 2025-10-08)") }
    }

    func run() async throws {
        let store = try Paths.existingStore(stateDir)
        if morning { try await printMorning(store) } else { try printCycle(store) }
    }

    private func printCycle(_ store: StateStore) throws {
        guard let record = try cycle.map(store.cycle) ?? store.lastCycle() else {
            let last = try store.lastCycle()?.id
            throw fail(cycle.map { "no cycle \($0) in the store" + (last.map { " (cycles 1–\($0))" } ?? " (none has run)") }
                       ?? "no cycle has run yet", ExitStatus.noInput)
        }
        switch record.result {
        case .failed:
            let reason = record.failure ?? "no reason recorded"
            print(json ? Self.jsonObject(["cycle": record.id, "result": "failed", "reason": reason])
                       : "Cycle \(record.id) failed: \(reason)")
        case .running:
            let started = Timestamp.iso8601(record.startedAt)
            print(json ? Self.jsonObject(["cycle": record.id, "result": "running", "started": started])
                       : "Cycle \(record.id) started at \(started) and has not finished (running now, or interrupted).")
        case .completed, .degraded:
            guard let stored = record.reportJSON, let digest = CycleDigest.decode(stored) else {
                throw fail("cycle \(record.id): its stored report cannot be read", ExitStatus.software)
            }
            print(json ? stored : digest.text(result: record.result.rawValue), terminator: json ? "\n" : "")
        }
    }

    private func printMorning(_ store: StateStore) async throws {
        if let stored = try store.morningReport(date: date) {
            do {
                let r = try MorningReport.decode(json: stored.json)
                print(json ? r.json() : r.text(), terminator: "")
                return
            } catch {
                FileHandle.standardError.write(Data("consciousness: the stored morning report of \(stored.date) cannot be read (\(error)); computing it again\n".utf8))
            }
        }
        let env = ProcessInfo.processInfo.environment
        let file = ConfigFile.path(config, env)
        let cfg: DaemonConfig
        do { cfg = try DaemonConfig.load(file: file, environment: env) } catch {
            throw fail("configuration refused: \(error)", ExitStatus.config)
        }
        let now = CycleCommand.wallClock()
        let zone = TimeZone.current
        let day = date.flatMap(LocalDate.init) ?? Night.latestDate(atOrBefore: now, at: cfg.morningReportAt, in: zone)
        let night = Night.ending(on: day, at: cfg.morningReportAt, in: zone)
        guard night.start <= now else {
            throw fail("the night of \(day) has not begun (it runs \(Timestamp.iso8601(night.start)) → \(Timestamp.iso8601(night.end)))",
                       ExitStatus.usage)
        }
        let r = try await MorningReporter(store: store).make(
            night, zone: zone, cycleIntervalSeconds: Int64(cfg.cycleInterval.components.seconds), generatedAt: now,
            origin: .computed)
        print(json ? r.json() : r.text(), terminator: "")
    }

    static func jsonObject(_ o: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

import ArgumentParser
import FeedbackLoop
import Foundation
import StateStore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Last and next cycle, malformed lines, pending proposals — from the state store, daemon running or not.")

    @Option(help: "State directory (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let store = try Paths.existingStore(stateDir)
        let s = try Status.read(store)
        print(json ? s.json() : s.text(), terminator: "")
    }
}

/// What `status` shows, read from the store.
struct Status: Encodable {
    var state_directory: String
    var last_cycle: LastCycle?
    var next_cycle: String?
    var malformed_lines: [String: Int64]
    var proposals_pending: [Pending]
    /// Approved fixes on the agency's main line and what they did.
    var fixes: [FixEffect]
    var store: Store

    /// What the store holds: the figures that prove two runs ingested the same.
    struct Store: Encodable {
        var violations: Int64
        var buckets: Int64
        var functions: Int64
        var signatures: Int64
        var log: String?
        var log_offset: Int64?
        var log_lines: Int64?
        var database_bytes: Int64
    }

    struct LastCycle: Encodable {
        var cycle: Int64
        var started: String
        var finished: String?
        var result: String
        var violations_analyzed: Int64?
        var patterns: Int64?
        var new_lines: Int64?
        var malformed: Int64?
        var stages: [StageOutcome]
        var degraded: [String]
        var not_run: [String]
    }

    struct Pending: Encodable {
        var id: Int64
        var agent: String
        var confidence: Double
        var target_file: String
    }

    static func read(_ store: StateStore) throws -> Status {
        var last: LastCycle?
        if let c = try store.lastCycle() {
            var stages: [StageOutcome] = []
            if let json = c.reportJSON, let data = json.data(using: .utf8),
               let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let raw = obj["stages"], let d = try? JSONSerialization.data(withJSONObject: raw) {
                let decoder = JSONDecoder()
                decoder.keyDecodingStrategy = .convertFromSnakeCase
                stages = (try? decoder.decode([StageOutcome].self, from: d)) ?? []
            }
            last = LastCycle(cycle: c.id, started: Timestamp.iso8601(c.startedAt), finished: c.finishedAt.map(Timestamp.iso8601),
                             result: c.result == .running ? "running or interrupted" : c.result.rawValue,
                             violations_analyzed: c.violationsAnalyzed, patterns: c.patterns, new_lines: c.linesRead,
                             malformed: c.malformed, stages: stages,
                             degraded: stages.filter { $0.outcome == .degraded || $0.outcome == .failed }.map { "\($0.stage): \($0.detail)" },
                             not_run: stages.filter { $0.outcome == .skipped }.map { "\($0.stage): \($0.detail)" })
        }
        let next = try store.meta("next_cycle_us").flatMap(Int64.init).map(Timestamp.iso8601)
        var malformed: [String: Int64] = [:]
        for m in try store.malformedTotals() { malformed[m.reason] = m.count }
        let pending = try store.pendingProposals().map {
            Pending(id: $0.id, agent: $0.proposal.agent, confidence: $0.proposal.confidence, target_file: $0.proposal.targetFile)
        }
        let t = try store.totals()
        let cp = try store.checkpoint()
        return Status(state_directory: store.directory, last_cycle: last, next_cycle: next,
                      malformed_lines: malformed, proposals_pending: pending, fixes: try store.fixEffects(),
                      store: Store(violations: t.violations, buckets: t.buckets, functions: t.functions,
                                   signatures: t.signatures, log: cp?.path, log_offset: cp?.offset, log_lines: cp?.lines,
                                   database_bytes: store.databaseSize()))
    }

    func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    func text() -> String {
        var out = ["state: \(state_directory)"]
        if let c = last_cycle {
            out.append("last cycle: #\(c.cycle) \(c.result), started \(c.started)\(c.finished.map { ", finished \($0)" } ?? "")")
            if let v = c.violations_analyzed, let p = c.patterns {
                out.append("   \(Format.group(v)) violations analysed, \(p) patterns, \(Format.group(c.new_lines ?? 0)) new lines, \(c.malformed ?? 0) malformed")
            }
            if !c.stages.isEmpty {
                out.append("   stages: " + c.stages.map { "\($0.stage) \($0.outcome.rawValue) \(Format.fixed($0.milliseconds, 1)) ms" }.joined(separator: " · "))
            }
            for d in c.degraded { out.append("   fell back: \(d)") }
            for d in c.not_run { out.append("   not run: \(d)") }
        } else {
            out.append("last cycle: none yet")
        }
        out.append("next cycle: \(next_cycle ?? "not scheduled (the daemon has not run)")")
        let total = malformed_lines.values.reduce(0, +)
        out.append("malformed lines: \(total)" + (total > 0 ? " (" + malformed_lines.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" : ""))
        out.append("stored: \(Format.group(store.violations)) violations in \(Format.group(store.buckets)) hour buckets, \(Format.bytes(store.database_bytes))"
                   + (store.log.map { "; read \(Format.group(store.log_lines ?? 0)) lines of \($0)" } ?? ""))
        out.append("proposals pending approval: \(proposals_pending.count)")
        for p in proposals_pending { out.append("   #\(p.id) \(p.agent) (confidence \(Format.percent(p.confidence))) → \(p.target_file)") }
        if !fixes.isEmpty {
            out.append("approved fixes on the main line: \(fixes.count)")
            for f in fixes { out.append("   \(f.summary)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

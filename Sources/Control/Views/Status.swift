import Daemon
import FeedbackLoop
import Foundation
import StateStore

/// What `status` shows: the daemon (running or not, since when, its PID, what it is
/// doing, the next cycle), the last cycle with its result and reason, the pending
/// proposals, the memory plan — read from the daemon over its socket when it runs, and
/// from a state directory when it does not.
public struct Status: Encodable, Sendable {
    public var running: Bool
    public var pid: Int32?
    public var active_since: String?
    /// "idle", or the cycle and stage in progress.
    public var activity: String?
    public var state_directory: String
    public var last_cycle: LastCycle?
    public var next_cycle: String?
    /// Seconds to the next cycle (negative: overdue).
    public var next_cycle_in_seconds: Int64?
    public var memory_plan: String?
    public var malformed_lines: [String: Int64]
    public var proposals_pending: [Pending]
    /// Approved fixes on the agency's main line and what they did.
    public var fixes: [FixEffect]
    public var store: Store
    /// AGENCY_MODE=hybrid's remote Architect: tonight's calls against the cap (from the
    /// daemon), else the last night the ledger has.
    public var remote_architect: RemoteArchitect?
    /// When this was read (microseconds since the epoch), for the "ago"s.
    var now: Microseconds
    /// Whether the control socket was tried (not with an explicit --state-dir).
    var daemonAsked = true
    /// When the daemon started, for "active since … ago".
    var since: Microseconds?

    /// What the store holds: the figures that prove two runs ingested the same.
    public struct Store: Encodable, Sendable {
        public var violations: Int64
        public var buckets: Int64
        public var functions: Int64
        public var signatures: Int64
        public var log: String?
        public var log_offset: Int64?
        public var log_lines: Int64?
        public var database_bytes: Int64
    }

    public struct RemoteArchitect: Encodable, Sendable {
        public var night: String
        public var host: String?
        public var spend: RemoteSpend
        /// The latest earlier night with calls, when this one has none yet.
        public var last_night: String?
        public var last_spend: RemoteSpend?
    }

    public struct LastCycle: Encodable, Sendable {
        public var cycle: Int64
        public var started: String
        public var finished: String?
        public var result: String
        /// Why it failed, or which stages fell back.
        public var reason: String?
        var finished_us: Microseconds?
        public var violations_analyzed: Int64?
        public var patterns: Int64?
        public var new_lines: Int64?
        public var malformed: Int64?
        public var stages: [StageOutcome]
        public var degraded: [String]
        public var not_run: [String]
    }

    public struct Pending: Encodable, Sendable {
        public var id: Int64
        public var agent: String
        public var confidence: Double
        public var target_file: String
    }

    enum CodingKeys: String, CodingKey {
        case running, pid, active_since, activity, state_directory, last_cycle, next_cycle, next_cycle_in_seconds,
             memory_plan, malformed_lines, proposals_pending, fixes, store
    }

    /// The store's side; `daemon` the running daemon's own (nil: none runs).
    public static func read(_ store: StateStore, daemon: Supervisor.Snapshot?, now: Microseconds) throws -> Status {
        let last = try store.lastCycle().map(lastCycle)
        // Without a daemon no cycle is coming: the stored "next" would be a time in the past.
        let next = daemon?.nextCycle
        var malformed: [String: Int64] = [:]
        for m in try store.malformedTotals() { malformed[m.reason] = m.count }
        let pending = try store.pendingProposals().map {
            Pending(id: $0.id, agent: $0.proposal.agent, confidence: $0.proposal.confidence, target_file: $0.proposal.targetFile)
        }
        let t = try store.totals()
        let cp = try store.checkpoint()
        return Status(running: daemon != nil, pid: daemon?.pid, active_since: daemon.map { Timestamp.iso8601($0.since) },
                      activity: daemon?.activity, state_directory: store.directory, last_cycle: last,
                      next_cycle: next.map(Timestamp.iso8601), next_cycle_in_seconds: next.map { ($0 - now) / 1_000_000 },
                      memory_plan: daemon?.memoryPlan, malformed_lines: malformed, proposals_pending: pending,
                      fixes: try store.fixEffects(),
                      store: Store(violations: t.violations, buckets: t.buckets, functions: t.functions,
                                   signatures: t.signatures, log: cp?.path, log_offset: cp?.offset, log_lines: cp?.lines,
                                   database_bytes: store.databaseSize()),
                      remote_architect: try remote(store, daemon: daemon),
                      now: now, since: daemon?.since)
    }

    private static func remote(_ store: StateStore, daemon: Supervisor.Snapshot?) throws -> RemoteArchitect? {
        if let r = daemon?.remote, let night = LocalDate(r.night) {
            var spend = try store.remoteSpend(night: night)
            spend.capUSD = r.capUSD
            var status = RemoteArchitect(night: r.night, host: r.host, spend: spend)
            if spend.calls + spend.refusedByCap == 0, let last = try store.latestRemoteNight(), last != night {
                status.last_night = last.description
                status.last_spend = try store.remoteSpend(night: last)
            }
            return status
        }
        guard let night = try store.latestRemoteNight() else { return nil }
        return RemoteArchitect(night: night.description, host: nil, spend: try store.remoteSpend(night: night))
    }

    private static func lastCycle(_ c: CycleRecord) -> LastCycle {
        let stages = c.reportJSON.flatMap(CycleDigest.decode)?.stages ?? []
        let degraded = stages.filter { $0.outcome == .degraded || $0.outcome == .failed }.map { "\($0.stage): \($0.detail)" }
        let reason: String? = switch c.result {
        case .failed: c.failure ?? "no reason recorded"
        case .degraded: "fell back: " + stages.filter { $0.outcome == .degraded || $0.outcome == .failed }
            .map(\.stage.rawValue).joined(separator: ", ")
        case .running: "started and not finished: running now, or interrupted"
        case .completed: nil
        }
        return LastCycle(cycle: c.id, started: Timestamp.iso8601(c.startedAt), finished: c.finishedAt.map(Timestamp.iso8601),
                         result: c.result == .running ? "running or interrupted" : c.result.rawValue, reason: reason,
                         finished_us: c.finishedAt, violations_analyzed: c.violationsAnalyzed, patterns: c.patterns,
                         new_lines: c.linesRead, malformed: c.malformed, stages: stages, degraded: degraded,
                         not_run: stages.filter { $0.outcome == .skipped }.map { "\($0.stage): \($0.detail)" })
    }

    public func json() -> String { JSONText.pretty(self) }

    /// As `systemctl status` lays it out: a dot, the state, then labelled lines.
    public func text() -> String {
        var out: [String] = []
        func line(_ label: String, _ value: String) {
            out.append(String(repeating: " ", count: max(0, 12 - label.count)) + label + (label.isEmpty ? "  " : ": ") + value)
        }
        out.append("\(running ? "●" : "○") consciousness — Constitutional Consciousness feedback loop")
        if running, let since {
            line("Active", "active (running) since \(Elapsed.wall(since)); \(Elapsed.ago(since, now: now))")
            if let pid { line("Main PID", "\(pid) (consciousness)") }
            if let activity { line("Doing", activity) }
        } else if daemonAsked {
            line("Active", "inactive (no daemon answers on the control socket)")
        } else {
            line("Active", "not asked: read from the state directory (--state-dir)")
        }
        if let c = last_cycle {
            let when = c.finished_us.map { ", \(Elapsed.ago($0, now: now))" } ?? ""
            line("Last cycle", "#\(c.cycle) \(c.result)\(when)" + (c.reason.map { " — \($0)" } ?? ""))
            if let v = c.violations_analyzed, let p = c.patterns {
                line("", "\(Format.group(v)) violations analysed, \(p) patterns, \(Format.group(c.new_lines ?? 0)) new lines, \(c.malformed ?? 0) malformed")
            }
            if !c.stages.isEmpty {
                line("", c.stages.map { "\($0.stage) \($0.outcome.rawValue) \(Format.fixed($0.milliseconds, 1)) ms" }.joined(separator: " · "))
            }
            for d in c.degraded { line("", "fell back: \(d)") }
            for d in c.not_run { line("", "not run: \(d)") }
        } else {
            line("Last cycle", "none yet")
        }
        if let next = next_cycle, let t = Timestamp.parse(next) {
            line("Next cycle", "\(Elapsed.until(t, now: now)) (\(Elapsed.wall(t)))")
        } else {
            line("Next cycle", daemonAsked ? "none scheduled: the daemon is not running (systemctl start consciousness)"
                                           : "not known here: ask the daemon (consciousness status, without --state-dir)")
        }
        line("Proposals", proposals_pending.isEmpty ? "none pending" : "\(proposals_pending.count) pending approval")
        for p in proposals_pending { line("", "#\(p.id) \(p.agent) (confidence \(Format.percent(p.confidence))) → \(p.target_file)") }
        if let m = memory_plan { line("Memory", m) }
        if let r = remote_architect {
            line("Remote", "the Architect's API\(r.host.map { " at \($0)" } ?? ""), night ending \(r.night): \(r.spend.line)")
            if let night = r.last_night, let spend = r.last_spend { line("", "night ending \(night): \(spend.line)") }
        }
        let total = malformed_lines.values.reduce(0, +)
        line("Malformed", "\(total) lines" + (total > 0 ? " (" + malformed_lines.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" : ""))
        line("State", "\(state_directory): \(Format.group(store.violations)) violations in \(Format.group(store.buckets)) hour buckets, \(Format.bytes(store.database_bytes))"
             + (store.log.map { "; read \(Format.group(store.log_lines ?? 0)) lines of \($0)" } ?? ""))
        if !fixes.isEmpty {
            line("Fixes", "\(fixes.count) approved on the main line")
            for f in fixes { line("", f.summary) }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// JSON as the commands print it: indented, keys sorted, slashes plain.
public enum JSONText {
    public static func pretty<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(value)) ?? Data(), as: UTF8.self) + "\n"
    }
}

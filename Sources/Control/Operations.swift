import Cycle
import Daemon
import FeedbackLoop
import Foundation
import StateStore

/// What the commands do with a state store — read a status, a report, the proposals;
/// record a rejection or an approval. The daemon runs these for its socket's clients
/// and the command line runs them itself when no daemon answers, so both print the same.
public struct Operations: Sendable {
    public let store: StateStore
    public let now: @Sendable () -> Microseconds

    public init(store: StateStore, now: @escaping @Sendable () -> Microseconds = Composition.systemClock) {
        self.store = store
        self.now = now
    }

    /// The store behind `directory`, which must exist: the reading commands create none
    /// (a typo in --state-dir would otherwise show an empty store).
    public static func existing(_ directory: String) throws(CommandFailure) -> Operations {
        guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("consciousness.sqlite")) else {
            throw CommandFailure("no state in \(directory): no cycle has run yet (consciousness cycle, or start the daemon)",
                                 CommandFailure.noInput)
        }
        do { return Operations(store: try StateStore(directory: directory)) } catch {
            throw CommandFailure(error.description, CommandFailure.cantCreate)
        }
    }

    /// `daemonAsked`: false when the person named a state directory, so no daemon was
    /// asked and none is said to be down.
    public func status(daemon: Supervisor.Snapshot?, json: Bool, daemonAsked: Bool = true) throws(CommandFailure) -> String {
        var s = try reading("the status") { try Status.read(store, daemon: daemon, now: now()) }
        s.daemonAsked = daemonAsked
        return json ? s.json() : s.text()
    }

    /// A cycle's report (the latest by default), as text or its stored JSON.
    public func report(cycle: Int64?, json: Bool) throws(CommandFailure) -> String {
        let record = try reading("the cycle") { try cycle.map(store.cycle) ?? store.lastCycle() }
        guard let record else {
            let last = try reading("the cycles") { try store.lastCycle()?.id }
            throw CommandFailure(cycle.map { "no cycle \($0) in the store" + (last.map { " (cycles 1–\($0))" } ?? " (none has run)") }
                                 ?? "no cycle has run yet", CommandFailure.noInput)
        }
        switch record.result {
        case .failed:
            let reason = record.failure ?? "no reason recorded"
            return json ? JSONText.pretty(Unfinished(cycle: record.id, result: "failed", reason: reason))
                        : "Cycle \(record.id) failed: \(reason)\n"
        case .running:
            let started = Timestamp.iso8601(record.startedAt)
            return json ? JSONText.pretty(Unfinished(cycle: record.id, result: "running", started: started))
                        : "Cycle \(record.id) started at \(started) and has not finished (running now, or interrupted).\n"
        case .completed, .degraded:
            guard let stored = record.reportJSON, let digest = CycleDigest.decode(stored) else {
                throw CommandFailure("cycle \(record.id): its stored report cannot be read", CommandFailure.software)
            }
            return json ? stored + "\n" : digest.text(result: record.result.rawValue)
        }
    }

    /// The night's morning report: the stored one, else made now from the store (the
    /// daemon's schedule: `config`'s MORNING_REPORT_AT and CYCLE_INTERVAL; the night's
    /// cycles counted from when the daemon began watching, `watchingSince`).
    public func morning(date: LocalDate?, config: DaemonConfig, zone: TimeZone,
                        watchingSince: Microseconds? = nil) async throws(CommandFailure) -> MorningReport {
        if let stored = try reading("the morning report", { try store.morningReport(date: date?.description) }),
           let r = try? MorningReport.decode(json: stored.json) {
            return r
        }
        let t = now()
        let day = date ?? Night.latestDate(atOrBefore: t, at: config.morningReportAt, in: zone)
        let night = Night.ending(on: day, at: config.morningReportAt, in: zone)
        guard night.start <= t else {
            throw CommandFailure("the night of \(day) has not begun (it runs \(Timestamp.iso8601(night.start)) → \(Timestamp.iso8601(night.end)))",
                                 CommandFailure.usage)
        }
        do {
            return try await MorningReporter(store: store).make(
                night, zone: zone, cycleIntervalSeconds: Int64(config.cycleInterval.components.seconds), generatedAt: t,
                origin: .computed, watchingSince: watchingSince, window: config.nightWindow(zone: zone))
        } catch {
            throw CommandFailure("cannot make the morning report of \(day): \(error)", CommandFailure.software)
        }
    }

    /// What left the machine for `night`: each remote Architect call's payload, byte for
    /// byte as sent (AGENCY_MODE=hybrid), with what it cost.
    public func sent(night: LocalDate, json: Bool) throws(CommandFailure) -> String {
        let calls = try reading("the remote calls") { try store.remoteCalls(night: night) }
        if json {
            struct Sent: Encodable {
                var id: Int64, started_at: String, host: String, model: String, state: String
                var outcome: String?, reason: String?, reserved_usd: Double, cost_usd: Double?, payload: String
            }
            return JSONText.pretty(calls.map {
                Sent(id: $0.id, started_at: Timestamp.iso8601($0.startedAt), host: $0.host, model: $0.model, state: $0.state,
                     outcome: $0.outcome, reason: $0.reason, reserved_usd: $0.reservedUSD, cost_usd: $0.costUSD, payload: $0.payload)
            })
        }
        guard !calls.isEmpty else { return "Nothing left the machine for the night ending \(night): no remote call was made.\n" }
        var out = ["Remote Architect calls for the night ending \(night) — each payload exactly as sent (the key went in a header, never in a payload):"]
        for c in calls {
            var head = "\n#\(c.id) \(Timestamp.iso8601(c.startedAt)) → \(c.host), \(c.model): "
            switch c.state {
            case "refused": head += "not made (its worst case would have crossed the cap); nothing was sent"
            case "reserved": head += "sent, never booked (cut short): counted at its worst case, $\(Format.fixed(c.reservedUSD, 4))"
            default: head += "\(c.outcome ?? "booked"), $\(Format.fixed(c.costUSD ?? 0, 4)) (reserved $\(Format.fixed(c.reservedUSD, 4)))"
            }
            if let why = c.reason { head += "\n   \(why)" }
            out.append(head)
            if c.state != "refused" { out.append(c.payload) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    public func proposals(status: ProposalStatus?, json: Bool) throws(CommandFailure) -> String {
        let views = try reading("proposals") { try store.proposals(status: status).map { ProposalView($0) } }
        if json { return ProposalView.json(views) }
        guard !views.isEmpty else { return "No \(status.map { "\($0.rawValue) " } ?? "")proposals.\n" }
        var out = views.map(\.line)
        let pending = views.filter { $0.status == .pending }.count
        if pending > 0 { out += ["", "\(pending) pending: consciousness proposals show ID, then approve ID or reject ID --reason TEXT"] }
        return out.joined(separator: "\n") + "\n"
    }

    public func proposal(_ id: Int64, json: Bool) throws(CommandFailure) -> String {
        let p = try stored(id)
        let trail = try reading("the decisions of proposal \(id)") { try store.decisions(proposal: id) }
        let effect = (try? store.fixEffects())?.first { $0.proposal == id }
        let view = ProposalView(p, decisions: trail, effect: effect)
        return json ? ProposalView.json(view) : view.text
    }

    /// The proposal as stored, or a clear refusal.
    public func stored(_ id: Int64) throws(CommandFailure) -> StoredProposal {
        guard let found = try reading("proposal \(id)", { try store.proposal(id: id) }) else {
            throw CommandFailure(DecisionError.noSuchProposal(id).description, CommandFailure.dataError)
        }
        return found
    }

    public func reject(_ id: Int64, reason: String, user: String, peer: String?) throws(CommandFailure) -> String {
        _ = try stored(id)
        do {
            try store.recordRejection(id, user: user, at: now(), reason: reason, peer: peer)
        } catch let e as DecisionError {
            throw CommandFailure(e.description, CommandFailure.dataError)
        } catch {
            throw CommandFailure("cannot record the rejection of proposal \(id): \(error)", CommandFailure.software)
        }
        return "Proposal \(id) rejected by \(PrintableText.safe(user)).\n"
    }

    /// Records an approval whose branch the person made in their own repository. What
    /// the client sends is checked before it is stored: the commit is a full object id
    /// (it later reaches git as an argument) and the branch is this proposal's name.
    public func recordApproval(_ a: ApprovalRecord, peer: String?) throws(CommandFailure) -> String {
        guard ApprovalRecord.isObjectID(a.commit) else {
            throw CommandFailure("the approval's commit '\(PrintableText.safe(a.commit))' is not a full git object id", CommandFailure.usage)
        }
        guard a.branch.hasPrefix("consciousness/proposal-\(a.proposal)-"),
              ApprovalRecord.isObjectID(String(a.branch.dropFirst("consciousness/proposal-\(a.proposal)-".count)), length: 12) else {
            throw CommandFailure("the approval's branch '\(PrintableText.safe(a.branch))' is not consciousness/proposal-\(a.proposal)-<12 hex digits>",
                                 CommandFailure.usage)
        }
        do {
            try store.recordApproval(a.proposal, user: a.approvedBy, at: now(), branch: a.branch, commit: a.commit,
                                     markdown: a.markdown, peer: peer)
        } catch let e as DecisionError {
            throw CommandFailure(e.description, CommandFailure.dataError)
        } catch {
            throw CommandFailure("cannot record the approval of proposal \(a.proposal): \(error)", CommandFailure.software)
        }
        return "recorded\n"
    }

    /// A cycle with no report: its number (a JSON number), how it stands, and why or since when.
    private struct Unfinished: Encodable {
        var cycle: Int64
        var result: String
        var reason: String?
        var started: String?
    }

    private func reading<T>(_ what: String, _ body: () throws -> T) throws(CommandFailure) -> T {
        do { return try body() } catch let f as CommandFailure { throw f } catch {
            throw CommandFailure("cannot read \(what): \(error)", CommandFailure.software)
        }
    }
}

/// An approval as the person's command line reports it to the daemon: the branch and
/// commit it made, the Markdown it committed (refused if a cycle redrafted it since),
/// and who approved by their git identity.
public struct ApprovalRecord: Codable, Sendable, Equatable {
    public var proposal: Int64
    public var branch: String
    public var commit: String
    public var markdown: String
    public var approvedBy: String

    /// Lower-case hex of a SHA-1 (40) or SHA-256 (64) object id, or of `length`.
    static func isObjectID(_ s: String, length: Int? = nil) -> Bool {
        let fits = length.map { s.utf8.count == $0 } ?? (s.utf8.count == 40 || s.utf8.count == 64)
        return fits && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public init(proposal: Int64, branch: String, commit: String, markdown: String, approvedBy: String) {
        self.proposal = proposal
        self.branch = branch
        self.commit = commit
        self.markdown = markdown
        self.approvedBy = approvedBy
    }
}

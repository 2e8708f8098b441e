import FeedbackLoop
import Foundation
import GRDB

/// A proposal as stored, with its place in the review.
public struct StoredProposal: Sendable, Equatable, Codable {
    public var id: Int64
    public var status: ProposalStatus
    public var proposal: Proposal
    public var createdCycle: Int64
    public var updatedCycle: Int64
    public var supersededBy: Int64?
}

/// One entry of a proposal's audit trail: who decided what, when, and what it produced.
public struct Decision: Sendable, Equatable {
    public var proposalID: Int64
    public var decision: ProposalStatus
    public var user: String
    public var at: Microseconds
    public var reason: String?
    public var branch: String?
    public var commit: String?
    public var supersededBy: Int64?
    /// Who was at the other end of the control socket (SO_PEERCRED), when it was used.
    public var peer: String?

    public init(proposalID: Int64, decision: ProposalStatus, user: String, at: Microseconds, reason: String?,
                branch: String?, commit: String?, supersededBy: Int64?, peer: String? = nil) {
        self.peer = peer
        self.proposalID = proposalID
        self.decision = decision
        self.user = user
        self.at = at
        self.reason = reason
        self.branch = branch
        self.commit = commit
        self.supersededBy = supersededBy
    }
}

/// Why a decision was not recorded.
public enum DecisionError: Error, Equatable, CustomStringConvertible, Sendable {
    case noSuchProposal(Int64)
    case notPending(Int64, ProposalStatus)
    /// A cycle redrafted it between reading it and recording the decision.
    case changedMeanwhile(Int64)

    public var description: String {
        switch self {
        case .changedMeanwhile(let id): "proposal \(id) was updated by a cycle while it was being approved"
        case .noSuchProposal(let id): "there is no proposal \(id) (consciousness proposals list shows them)"
        case .notPending(let id, let s): "proposal \(id) is \(s.rawValue), not pending: it was decided already"
        }
    }
}

extension StateStore {
    /// All proposals, or those with `status`, oldest first.
    public func proposals(status: ProposalStatus? = nil) throws -> [StoredProposal] {
        try reading { db in
            let rows = if let status {
                try Row.fetchAll(db.cachedStatement(sql: "SELECT \(selected) FROM proposals WHERE status = ? ORDER BY id"), arguments: [status.rawValue])
            } else {
                try Row.fetchAll(db.cachedStatement(sql: "SELECT \(selected) FROM proposals ORDER BY id"))
            }
            return try rows.map(storedProposal)
        }
    }

    /// Pending proposals a model drafted (not the template's), oldest first: what Evolve
    /// keeps while their subject stands. The template's are not read: each stored
    /// proposal is three JSON documents to decode, and Evolve read and decoded every
    /// pending one each hour to keep none of them when the Builder is off.
    public func pendingDrafts() throws -> [Proposal] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(selected) FROM proposals WHERE status = 'pending' AND author != 'template' ORDER BY id
                """)).map { try storedProposal($0).proposal }
        }
    }

    public func proposal(id: Int64) throws -> StoredProposal? {
        try reading { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(selected) FROM proposals WHERE id = ?"), arguments: [id]).map(storedProposal)
        }
    }

    /// A proposal's decisions, oldest first.
    public func decisions(proposal id: Int64) throws -> [Decision] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM decisions WHERE proposal_id = ? ORDER BY id"), arguments: [id]).map { r in
                Decision(proposalID: r["proposal_id"], decision: try status(r["decision"], proposal: r["proposal_id"]),
                         user: r["user"], at: r["decided_us"], reason: r["reason"], branch: r["branch"],
                         commit: r["commit_hash"], supersededBy: r["superseded_by"], peer: r["peer"])
            }
        }
    }

    /// Records a person's approval, once the proposal's branch exists — only if the
    /// Markdown committed is still the proposal's (a cycle may have redrafted it since).
    public func recordApproval(_ id: Int64, user: String, at: Microseconds, branch: String, commit: String,
                               markdown: String, peer: String? = nil) throws {
        try decide(id, .approved, user: user, at: at, reason: nil, branch: branch, commit: commit, markdown: markdown, peer: peer)
    }

    public func recordRejection(_ id: Int64, user: String, at: Microseconds, reason: String, peer: String? = nil) throws {
        try decide(id, .rejected, user: user, at: at, reason: reason, branch: nil, commit: nil, peer: peer)
    }

    /// Moves a pending proposal to `decision` and logs it, in one transaction; a
    /// proposal decided meanwhile (another person, a cycle superseding it) is refused.
    private func decide(_ id: Int64, _ decision: ProposalStatus, user: String, at: Microseconds,
                        reason: String?, branch: String?, commit: String?, markdown: String? = nil,
                        peer: String? = nil) throws {
        try writing { db in
            try db.cachedStatement(sql: """
                UPDATE proposals SET status = ? WHERE id = ? AND status = 'pending' AND markdown = coalesce(?, markdown)
                """).execute(arguments: [decision.rawValue, id, markdown])
            if db.changesCount == 0 {
                guard let s = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM proposals WHERE id = ?"), arguments: [id]) else {
                    throw DecisionError.noSuchProposal(id)
                }
                let now = try status(s, proposal: id)
                throw now == .pending ? DecisionError.changedMeanwhile(id) : DecisionError.notPending(id, now)
            }
            try db.cachedStatement(sql: """
                INSERT INTO decisions (proposal_id, decision, user, decided_us, reason, branch, commit_hash, peer)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, decision.rawValue, user, at, reason, branch, commit, peer])
        }
    }

    /// The agent name also as bytes: SQLite text may hold a NUL, which reading it as a
    /// C string would cut off, and the approval must see the name as stored.
    private var selected: String { "*, CAST(agent AS BLOB) AS agent_bytes" }

    private func storedProposal(_ r: Row) throws -> StoredProposal {
        let id: Int64 = r["id"]
        let agent = String(decoding: (r["agent_bytes"] as Data?) ?? Data(), as: UTF8.self)
        let evidence = try JSONDecoder().decode([Proposal.Evidence].self, from: Data((r["evidence_json"] as String).utf8))
        var p = Proposal(agent: agent, confidence: r["confidence"], rationale: r["rationale"],
                         evidence: evidence, markdown: r["markdown"], author: r["author"])
        p.authorNote = r["author_note"]
        p.recalled = (try? JSONDecoder().decode([Proposal.Recalled].self, from: Data((r["recalled_json"] as String).utf8))) ?? []
        p.template = r["template_markdown"]
        p.checksPassed = (try? JSONDecoder().decode([DraftGrounding.Check].self, from: Data((r["checks_json"] as String).utf8))) ?? []
        return StoredProposal(id: id, status: try status(r["status"], proposal: id), proposal: p,
                              createdCycle: r["created_cycle"], updatedCycle: r["updated_cycle"],
                              supersededBy: r["superseded_by"])
    }

    private func status(_ raw: String, proposal id: Int64) throws -> ProposalStatus {
        guard let s = ProposalStatus(rawValue: raw) else {
            throw StateStoreError(path: databasePath, reason: "proposal \(id) has an unknown status '\(raw)'")
        }
        return s
    }
}

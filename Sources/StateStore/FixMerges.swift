import FeedbackLoop
import Foundation
import GRDB

/// An approved proposal whose change is still to be looked for on the main line.
public struct ApprovedFix: Sendable, Equatable {
    public var proposal: Int64
    public var agent: String
    public var functions: [String]
    public var branch: String
    public var commit: String
    public var approvedAt: Microseconds

    public init(proposal: Int64, agent: String, functions: [String], branch: String, commit: String,
                approvedAt: Microseconds) {
        self.proposal = proposal
        self.agent = agent
        self.functions = functions
        self.branch = branch
        self.commit = commit
        self.approvedAt = approvedAt
    }
}

/// An approved change found on the main line.
public struct FixMerge: Sendable, Equatable {
    public var proposal: Int64
    public var mergedAt: Microseconds
    public var how: String
    public var mainCommit: String

    public init(proposal: Int64, mergedAt: Microseconds, how: String, mainCommit: String) {
        self.proposal = proposal
        self.mergedAt = mergedAt
        self.how = how
        self.mainCommit = mainCommit
    }
}

extension StateStore {
    /// Approved proposals with a branch, and whether their merge has been found.
    public func approvedFixes() throws -> (waiting: [ApprovedFix], merged: [(ApprovedFix, FixMerge)]) {
        try reading { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT p.id, p.agent, p.evidence_json, d.branch, d.commit_hash, d.decided_us,
                       m.merged_us, m.how, m.main_commit
                FROM proposals p JOIN decisions d ON d.proposal_id = p.id AND d.decision = 'approved'
                LEFT JOIN fix_merges m ON m.proposal_id = p.id
                WHERE d.commit_hash IS NOT NULL ORDER BY p.id
                """))
            var waiting: [ApprovedFix] = [], merged: [(ApprovedFix, FixMerge)] = []
            for r in rows {
                let evidence = try JSONDecoder().decode([Proposal.Evidence].self, from: Data((r["evidence_json"] as String).utf8))
                let fix = ApprovedFix(proposal: r["id"], agent: r["agent"], functions: evidence.map(\.function).sorted(),
                                      branch: r["branch"] ?? "", commit: r["commit_hash"], approvedAt: r["decided_us"])
                if let at: Int64 = r["merged_us"] {
                    merged.append((fix, FixMerge(proposal: fix.proposal, mergedAt: at, how: r["how"], mainCommit: r["main_commit"])))
                } else {
                    waiting.append(fix)
                }
            }
            return (waiting, merged)
        }
    }

    /// Records merges found (once: the first finding stands) and the latest effects.
    public func recordFixes(merges: [FixMerge], effects: [FixEffect], at now: Microseconds) throws {
        try writing { db in
            for m in merges {
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO fix_merges (proposal_id, merged_us, how, main_commit, found_us)
                    VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [m.proposal, m.mergedAt, m.how, m.mainCommit, now])
            }
            for e in effects {
                let json = String(decoding: try JSONEncoder().encode(e), as: UTF8.self)
                try db.cachedStatement(sql: "UPDATE fix_merges SET effect_json = ? WHERE proposal_id = ?").execute(arguments: [json, e.proposal])
            }
        }
    }

    /// The latest measured effect of every merged fix, oldest proposal first.
    public func fixEffects() throws -> [FixEffect] {
        try reading { db in
            try String.fetchAll(db.cachedStatement(sql: """
                SELECT effect_json FROM fix_merges WHERE effect_json IS NOT NULL ORDER BY proposal_id
                """)).compactMap { try? JSONDecoder().decode(FixEffect.self, from: Data($0.utf8)) }
        }
    }
}

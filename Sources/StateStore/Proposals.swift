import FeedbackLoop
import Foundation
import GRDB

extension StateStore {
    /// Stores this cycle's proposals as pending. An agent that already has a pending
    /// proposal gets it updated with the new evidence, never a second one.
    public func upsertPending(_ proposals: [Proposal], cycle: Int64) throws -> [ProposalRecord] {
        try db.write { db in
            try proposals.map { p in
                let evidence = String(decoding: try JSONEncoder().encode(p.evidence), as: UTF8.self)
                let recalled = String(decoding: try JSONEncoder().encode(p.recalled), as: UTF8.self)
                let existing = try Row.fetchOne(db, sql: """
                    SELECT id, evidence_json, markdown FROM proposals WHERE agent = ? AND status = 'pending'
                    """, arguments: [p.agent])
                if let existing {
                    let id: Int64 = existing["id"]
                    let same = existing["evidence_json"] == evidence && existing["markdown"] == p.markdown
                    try db.execute(sql: """
                        UPDATE proposals SET confidence = ?, rationale = ?, evidence_json = ?, markdown = ?,
                               author = ?, updated_cycle = ?, recalled_json = ?, author_note = ? WHERE id = ?
                        """, arguments: [p.confidence, p.rationale, evidence, p.markdown, p.author, cycle, recalled,
                                         p.authorNote, id])
                    return ProposalRecord(id: id, status: "pending", change: same ? "unchanged" : "updated", proposal: p)
                }
                try db.execute(sql: """
                    INSERT INTO proposals (agent, confidence, rationale, evidence_json, markdown, author,
                                           created_cycle, updated_cycle, recalled_json, author_note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.agent, p.confidence, p.rationale, evidence, p.markdown, p.author, cycle, cycle,
                                     recalled, p.authorNote])
                return ProposalRecord(id: db.lastInsertedRowID, status: "pending", change: "new", proposal: p)
            }
        }
    }

    /// Proposals waiting for a person, oldest first.
    public func pendingProposals() throws -> [ProposalRecord] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM proposals WHERE status = 'pending' ORDER BY id").map { r in
                let evidence = try JSONDecoder().decode([Proposal.Evidence].self,
                                                        from: Data((r["evidence_json"] as String).utf8))
                var p = Proposal(agent: r["agent"], confidence: r["confidence"], rationale: r["rationale"],
                                 evidence: evidence, markdown: r["markdown"], author: r["author"])
                p.authorNote = r["author_note"]
                p.recalled = (try? JSONDecoder().decode([Proposal.Recalled].self, from: Data((r["recalled_json"] as String).utf8))) ?? []
                return ProposalRecord(id: r["id"], status: r["status"], change: "stored", proposal: p)
            }
        }
    }
}

import FeedbackLoop
import Foundation
import GRDB

extension StateStore {
    /// Stores this cycle's proposals as pending, at most one per agent.
    ///
    /// An agent's pending proposal is updated in place while its evidence names the same
    /// patterns: a person reviewing it sees fresher counts, not a new proposal every hour.
    /// When the patterns change, it is a different proposal: the old one is marked
    /// superseded (with a decision naming its successor) and a new one is inserted.
    /// A proposal whose patterns are those of the agent's last approved or rejected one
    /// is not stored again: the person has decided on that evidence already.
    public func upsertPending(_ proposals: [Proposal], cycle: Int64, at now: Microseconds) throws -> [ProposalRecord] {
        try writing { db in
            try proposals.compactMap { p in try Self.upsert(p, cycle: cycle, now: now, db) }
        }
    }

    private static func upsert(_ p: Proposal, cycle: Int64, now: Microseconds, _ db: Database) throws -> ProposalRecord? {
        let evidence = try StoredJSON.encode(p.evidence)
        let recalled = try StoredJSON.encode(p.recalled)
        let patterns = patternSet(p.evidence)
        if let existing = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, evidence_json, markdown FROM proposals WHERE agent = ? AND status = 'pending'
            """), arguments: [p.agent]) {
            let id: Int64 = existing["id"]
            let stored = try storedSubjects(existing["evidence_json"], db)
            if Set(stored.map(\.patternID)) == patterns {
                // Unchanged unless what it says changed: the counts move every hour as the
                // window slides, and are not news to the person reviewing it.
                let same = stored.map(\.text).sorted() == subject(p.evidence)
                    && existing["markdown"] == p.markdown
                try db.cachedStatement(sql: """
                    UPDATE proposals SET confidence = ?, rationale = ?, evidence_json = ?, markdown = ?,
                           author = ?, updated_cycle = ?, recalled_json = ?, author_note = ?,
                           template_markdown = ?, checks_json = ? WHERE id = ?
                    """).execute(arguments: [p.confidence, p.rationale, evidence, p.markdown, p.author, cycle, recalled,
                                             p.authorNote, p.template, try checks(p), id])
                return ProposalRecord(id: id, status: .pending, change: same ? .unchanged : .updated, proposal: p)
            }
            // Leave 'pending' first: at most one pending proposal per agent (a unique index).
            try db.cachedStatement(sql: "UPDATE proposals SET status = 'superseded' WHERE id = ?").execute(arguments: [id])
            let new = try insert(p, evidence: evidence, recalled: recalled, cycle: cycle, db)
            try db.cachedStatement(sql: "UPDATE proposals SET superseded_by = ? WHERE id = ?").execute(arguments: [new.id, id])
            let was = Set(stored.map(\.patternID)).sorted().joined(separator: ", ")
            try db.cachedStatement(sql: """
                INSERT INTO decisions (proposal_id, decision, user, decided_us, reason, superseded_by)
                VALUES (?, 'superseded', 'consciousness', ?, ?, ?)
                """).execute(arguments: [id, now, "cycle \(cycle) found patterns \(patterns.sorted().joined(separator: ", ")); "
                                         + "this proposal had \(was)", new.id])
            return new
        }
        if let decided = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT evidence_json FROM proposals WHERE agent = ? AND status IN ('approved', 'rejected')
            ORDER BY id DESC LIMIT 1
            """), arguments: [p.agent]), Set(try storedSubjects(decided["evidence_json"], db).map(\.patternID)) == patterns {
            return nil
        }
        return try insert(p, evidence: evidence, recalled: recalled, cycle: cycle, db)
    }

    private static func insert(_ p: Proposal, evidence: String, recalled: String, cycle: Int64,
                               _ db: Database) throws -> ProposalRecord {
        try db.cachedStatement(sql: """
            INSERT INTO proposals (agent, confidence, rationale, evidence_json, markdown, author,
                                   created_cycle, updated_cycle, recalled_json, author_note, template_markdown, checks_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [p.agent, p.confidence, p.rationale, evidence, p.markdown, p.author, cycle, cycle,
                                     recalled, p.authorNote, p.template, try checks(p)])
        return ProposalRecord(id: db.lastInsertedRowID, status: .pending, change: .new, proposal: p)
    }

    static func checks(_ p: Proposal) throws -> String {
        try StoredJSON.encode(p.checksPassed)
    }

    static func patternSet(_ evidence: [Proposal.Evidence]) -> Set<String> { Set(evidence.map(\.patternID)) }

    /// What a proposal's evidence says, without its counts: patterns, trends, articles.
    static func subject(_ evidence: [Proposal.Evidence]) -> [String] {
        evidence.map { subject($0.patternID, $0.trend.rawValue, $0.articles) }.sorted()
    }

    static func subject(_ patternID: String, _ trend: String, _ articles: [String]) -> String {
        "\(patternID) \(trend) \(articles.joined(separator: ","))"
    }

    /// A stored evidence list's patterns and subjects, read by SQLite's JSON functions.
    /// Foundation's `JSONDecoder`, which read it whole, cost ~0.5 ms the first time a
    /// process used it (its generic types made at run time): once per one-shot cycle.
    /// Text that is not JSON fails as the decoder did; so does an item without its
    /// pattern or trend.
    static func storedSubjects(_ json: String, _ db: Database) throws -> [(patternID: String, text: String)] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT e.key, json_extract(e.value, '$.pattern_id'), json_extract(e.value, '$.trend'), a.value
            FROM json_each(?) e LEFT JOIN json_each(e.value, '$.articles') a
            WHERE json_type(?) = 'array' ORDER BY e.key, a.key
            """), arguments: [json, json])
        if rows.isEmpty, try String.fetchOne(db.cachedStatement(sql: "SELECT json_type(?)"), arguments: [json]) != "array" {
            throw DatabaseError(message: "stored evidence is not a JSON array: \(json.prefix(80))")
        }
        var items: [(key: Int64, patternID: String, trend: String, articles: [String])] = []
        for r in rows {
            let key: Int64 = r[0]
            // Read leniently (a number where text belongs is nil), then refused: GRDB's
            // typed subscript would stop the process on such a value.
            guard let patternID = String.fromDatabaseValue(r[1]), let trend = String.fromDatabaseValue(r[2]) else {
                throw DatabaseError(message: "stored evidence item \(key) has no pattern_id or trend")
            }
            if items.last?.key != key { items.append((key, patternID, trend, [])) }
            if let article = String.fromDatabaseValue(r[3]) { items[items.count - 1].articles.append(article) }
        }
        return items.map { ($0.patternID, subject($0.patternID, $0.trend, $0.articles)) }
    }

    /// How many proposals wait for a person (without reading them).
    public func pendingProposalCount() throws -> Int {
        try reading { try Int.fetchOne($0.cachedStatement(sql: "SELECT count(*) FROM proposals WHERE status = 'pending'")) ?? 0 }
    }

    /// Proposals waiting for a person, oldest first.
    public func pendingProposals() throws -> [ProposalRecord] {
        try proposals(status: .pending).map {
            ProposalRecord(id: $0.id, status: $0.status, change: .stored, proposal: $0.proposal)
        }
    }
}

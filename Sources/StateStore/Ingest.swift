import FeedbackLoop
import GRDB

extension StateStore {
    /// The checkpoint of the last committed ingest, if any.
    public func checkpoint() throws -> LogCheckpoint? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoint WHERE id = 1").map { r in
                LogCheckpoint(path: r["path"], device: UInt64(bitPattern: r["device"]),
                              inode: UInt64(bitPattern: r["inode"]), offset: r["byte_offset"],
                              lines: r["lines"], headLength: r["head_length"],
                              headHash: UInt64(bitPattern: r["head_hash"]))
            }
        }
    }

    /// Folds a batch into the buckets and moves the checkpoint, in one transaction:
    /// killed at any instant, either both happened or neither did, so the next run
    /// neither loses nor double-counts a line. `beforeCheckpoint` lets tests fail in
    /// the middle and prove it.
    public func commit(_ result: IngestResult, beforeCheckpoint: (@Sendable () throws -> Void)? = nil) throws {
        try db.write { db in
            let b = result.batch
            let functions = try ids(db, table: "functions", column: "name", names: b.functions)
            let severities = try ids(db, table: "severities", column: "name", names: b.severities)
            let signatures = try signatureIDs(db, b.signatures, b.signatureArticles)
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO buckets (function_id, signature_id, hour, count, first_us, last_us, severity_mask)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (function_id, signature_id, hour) DO UPDATE SET
                    count = count + excluded.count,
                    first_us = min(first_us, excluded.first_us),
                    last_us = max(last_us, excluded.last_us),
                    severity_mask = severity_mask | excluded.severity_mask
                """)
            for (key, t) in b.buckets {
                let mask = Self.remap(mask: t.severityMask, severities)
                try upsert.execute(arguments: [functions[Int(key.function)], signatures[Int(key.signature)],
                                               key.hour, t.count, t.first, t.last, Int64(bitPattern: mask)])
            }
            try addMalformed(db, IngestSummary(result).malformed)
            try beforeCheckpoint?()
            let c = result.checkpoint
            try db.execute(sql: """
                INSERT OR REPLACE INTO checkpoint (id, path, device, inode, byte_offset, lines, head_length, head_hash)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.path, Int64(bitPattern: c.device), Int64(bitPattern: c.inode), c.offset,
                                 c.lines, c.headLength, Int64(bitPattern: c.headHash)])
        }
    }

    /// Store ids for names, inserting the new ones.
    private func ids(_ db: Database, table: String, column: String, names: [String]) throws -> [Int64] {
        try names.map { name in
            try db.execute(sql: "INSERT OR IGNORE INTO \(table) (\(column)) VALUES (?)", arguments: [name])
            return try Int64.fetchOne(db, sql: "SELECT id FROM \(table) WHERE \(column) = ?", arguments: [name])!
        }
    }

    private func signatureIDs(_ db: Database, _ texts: [String], _ articles: [ArticleSet]) throws -> [Int64] {
        try zip(texts, articles).map { text, a in
            try db.execute(sql: "INSERT OR IGNORE INTO signatures (text, articles) VALUES (?, ?)",
                           arguments: [text, Int(a.rawValue)])
            return try Int64.fetchOne(db, sql: "SELECT id FROM signatures WHERE text = ?", arguments: [text])!
        }
    }

    static func remap(mask: UInt64, _ ids: [Int64]) -> UInt64 {
        var out: UInt64 = 0
        for bit in 0..<min(63, ids.count) where mask & (1 << UInt64(bit)) != 0 {
            out |= 1 << UInt64(min(ids[bit] - 1, 63))  // SQLite ids start at 1
        }
        if mask & (1 << 63) != 0 { out |= 1 << 63 }
        return out
    }

    private func addMalformed(_ db: Database, _ tally: MalformedTally) throws {
        for (reason, e) in tally.entries {
            let old = try Row.fetchOne(db, sql: "SELECT count, first_lines FROM malformed WHERE reason = ?",
                                       arguments: [reason.rawValue])
            var lines = (old?["first_lines"] as String?).map(Self.parseLines) ?? []
            for l in e.firstLines where lines.count < MalformedTally.keptLineNumbers { lines.append(l) }
            let count = (old?["count"] as Int64? ?? 0) + Int64(e.count)
            try db.execute(sql: "INSERT OR REPLACE INTO malformed (reason, count, first_lines) VALUES (?, ?, ?)",
                           arguments: [reason.rawValue, count, lines.map(String.init).joined(separator: ",")])
        }
    }

    static func parseLines(_ s: String) -> [Int64] { s.split(separator: ",").compactMap { Int64($0) } }

    /// Malformed lines over the store's whole life, per reason, with first line numbers.
    public func malformedTotals() throws -> [(reason: String, count: Int64, firstLines: [Int64])] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT reason, count, first_lines FROM malformed ORDER BY reason").map {
                ($0["reason"], $0["count"], Self.parseLines($0["first_lines"]))
            }
        }
    }
}

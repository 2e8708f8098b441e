import FeedbackLoop
import GRDB

/// Another cycle moved the log's registry between this one's read and its commit (the
/// lock was bypassed: another host, an old binary). Nothing was committed.
public struct IngestConflict: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var detail: String
    public var description: String {
        "another cycle read \(path) meanwhile (\(detail)); nothing was committed, the next cycle reads on from where that one stopped"
    }
}

extension StateStore {
    /// Every log file read before: the live one, the rotated ones, the gone ones.
    public func logFiles() throws -> [LogCheckpoint] {
        try reading { db in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM log_files ORDER BY id")).map(Self.logFile) }
    }

    /// The live log's entry, as last committed (the most recently read live file).
    public func checkpoint() throws -> LogCheckpoint? {
        try reading { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM log_files WHERE role = 'live' ORDER BY updated_us DESC, id DESC LIMIT 1"))
                .map(Self.logFile)
        }
    }

    static func logFile(_ r: Row) -> LogCheckpoint {
        LogCheckpoint(id: r["id"], fingerprint: LogFingerprint(length: r["head_length"], hash: UInt64(bitPattern: r["head_hash"]),
                                                             head: r["head"]),
                      path: r["path"], device: UInt64(bitPattern: r["device"]), inode: UInt64(bitPattern: r["inode"]),
                      offset: r["byte_offset"], lines: r["lines"], sizeSeen: r["size_seen"],
                      modifiedSeen: r["modified_seen_us"], role: LogCheckpoint.Role(rawValue: r["role"]) ?? .gone)
    }

    /// Log events over the store's life, newest first.
    public func logEvents(limit: Int = 100) throws -> [(cycle: Int64?, at: Microseconds, event: LogEvent)] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM log_events ORDER BY id DESC LIMIT ?"), arguments: [limit]).map { r in
                (r["cycle"], r["at_us"], LogEvent(kind: LogEvent.Kind(rawValue: r["kind"]) ?? .lost, path: r["path"],
                                                  detail: r["detail"], bytesRead: r["bytes_read"], bytesLost: r["bytes_lost"],
                                                  head: r["head"]))
            }
        }
    }

    /// Folds a batch into the buckets and moves the registry, in one transaction:
    /// killed at any instant, either both happened or neither did, so the next run
    /// neither loses nor double-counts a line. The registry is compared again inside
    /// the transaction, so two cycles that both read the same bytes (a bypassed lock)
    /// cannot both commit them. `beforeCheckpoint` lets tests fail in the middle.
    public func commit(_ result: IngestResult, cycle: Int64? = nil, at now: Microseconds = 0,
                       beforeCheckpoint: (@Sendable () throws -> Void)? = nil) throws {
        try writing { db in
            try Self.checkUnmoved(db, result)
            let b = result.batch
            let functions = try ids(db, table: "functions", column: "name", names: b.functions)
            let severities = try ids(db, table: "severities", column: "name", names: b.severities)
            let signatures = try signatureIDs(db, b.signatures, b.signatureArticles)
            let upsert = try RawStatement(db, sql: """
                INSERT INTO buckets (function_id, signature_id, hour, count, first_us, last_us, severity_mask)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (function_id, signature_id, hour) DO UPDATE SET
                    count = count + excluded.count,
                    first_us = min(first_us, excluded.first_us),
                    last_us = max(last_us, excluded.last_us),
                    severity_mask = severity_mask | excluded.severity_mask
                """)
            var firstSeen: [Int64: Int64] = [:]
            // In primary-key order: the table's B-tree then grows at its edge instead of
            // splitting pages all over (9,000 upserts: 25 ms against 36 in sqlite3).
            let keyed = b.buckets.map { key, t in
                (function: functions[Int(key.function)], signature: signatures[Int(key.signature)], hour: key.hour, t: t)
            }.sorted { ($0.function, $0.signature, $0.hour) < ($1.function, $1.signature, $1.hour) }
            for (function, signature, hour, t) in keyed {
                upsert.bind(1, function)
                upsert.bind(2, signature)
                upsert.bind(3, Int64(hour))
                upsert.bind(4, t.count)
                upsert.bind(5, t.first)
                upsert.bind(6, t.last)
                upsert.bind(7, Int64(bitPattern: Self.remap(mask: t.severityMask, severities)))
                try upsert.run()
                firstSeen[function] = min(firstSeen[function] ?? t.first, t.first)
            }
            let first = try db.cachedStatement(sql: "UPDATE functions SET first_us = min(coalesce(first_us, ?1), ?1) WHERE id = ?2")
            for (function, us) in firstSeen { try first.execute(arguments: [us, function]) }
            try addMalformed(db, IngestSummary(result).malformed)
            try beforeCheckpoint?()
            for f in result.files { try Self.save(db, f, at: now, log: result.log) }
            for e in result.events {
                try db.cachedStatement(sql: """
                    INSERT INTO log_events (cycle, at_us, kind, path, detail, bytes_read, bytes_lost, head)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [cycle, now, e.kind.rawValue, e.path, e.detail, e.bytesRead, e.bytesLost, e.head])
            }
        }
    }

    private static func checkUnmoved(_ db: Database, _ result: IngestResult) throws {
        for e in result.expected {
            guard let id = e.id else { continue }
            let now = try Int64.fetchOne(db.cachedStatement(sql: "SELECT byte_offset FROM log_files WHERE id = ?"), arguments: [id])
            guard now == e.offset else {
                throw IngestConflict(path: e.path, detail: "it was at byte \(e.offset) when this cycle began, and is at \(now.map(String.init) ?? "nothing") now")
            }
        }
        for f in result.files where f.id == nil {
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM log_files WHERE head_length = ? AND head_hash = ?"),
                                 arguments: [f.fingerprint.length, Int64(bitPattern: f.fingerprint.hash)]) == true {
                throw IngestConflict(path: f.path, detail: "it was new to the store when this cycle began, and is registered now")
            }
        }
    }

    /// Writes one registry entry. Only one file is live at a path: a new live file
    /// demotes the one before it (whose lines, if any, were drained in this commit).
    private static func save(_ db: Database, _ f: LogCheckpoint, at now: Microseconds, log: String) throws {
        if f.role == .live {
            try db.cachedStatement(sql: "UPDATE log_files SET role = 'rotated' WHERE role = 'live' AND path = ? AND id IS NOT ?")
                .execute(arguments: [f.path, f.id])
        }
        let values: StatementArguments = [f.fingerprint.length, Int64(bitPattern: f.fingerprint.hash), f.fingerprint.head,
                                          f.path, Int64(bitPattern: f.device), Int64(bitPattern: f.inode), f.offset, f.lines,
                                          f.sizeSeen, f.modifiedSeen, f.role.rawValue, now]
        if let id = f.id {
            try db.cachedStatement(sql: """
                UPDATE log_files SET head_length = ?, head_hash = ?, head = ?, path = ?, device = ?, inode = ?,
                       byte_offset = ?, lines = ?, size_seen = ?, modified_seen_us = ?, role = ?, updated_us = ?
                WHERE id = ?
                """).execute(arguments: values + [id])
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO log_files (head_length, head_hash, head, path, device, inode, byte_offset, lines,
                                       size_seen, modified_seen_us, role, updated_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: values)
        }
    }

    /// Store ids for names, inserting the new ones. Looked up first: a cycle's names are
    /// nearly all known, so most cost one statement, not an insert that does nothing and
    /// a select (the write transaction keeps anyone from adding one in between).
    private func ids(_ db: Database, table: String, column: String, names: [String]) throws -> [Int64] {
        try names.map { name in
            try Self.id(db, "SELECT id FROM \(table) WHERE \(column) = ?", [name],
                        else: "INSERT INTO \(table) (\(column)) VALUES (?)", [name])
        }
    }

    private func signatureIDs(_ db: Database, _ texts: [String], _ articles: [ArticleSet]) throws -> [Int64] {
        try zip(texts, articles).map { text, a in
            try Self.id(db, "SELECT id FROM signatures WHERE text = ?", [text],
                        else: "INSERT INTO signatures (text, articles) VALUES (?, ?)", [text, Int(a.rawValue)])
        }
    }

    private static func id(_ db: Database, _ select: String, _ key: StatementArguments,
                           else insert: String, _ values: StatementArguments) throws -> Int64 {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: select), arguments: key) { return id }
        try db.cachedStatement(sql: insert).execute(arguments: values)
        return db.lastInsertedRowID
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
            let old = try Row.fetchOne(db.cachedStatement(sql: "SELECT count, first_lines FROM malformed WHERE reason = ?"),
                                       arguments: [reason.rawValue])
            var lines = (old?["first_lines"] as String?).map(Self.parseLines) ?? []
            for l in e.firstLines where lines.count < MalformedTally.keptLineNumbers { lines.append(l) }
            let count = (old?["count"] as Int64? ?? 0) + Int64(e.count)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO malformed (reason, count, first_lines) VALUES (?, ?, ?)")
                .execute(arguments: [reason.rawValue, count, lines.map(String.init).joined(separator: ",")])
        }
    }

    static func parseLines(_ s: String) -> [Int64] { s.split(separator: ",").compactMap { Int64($0) } }

    /// Malformed lines over the store's whole life, per reason, with first line numbers.
    public func malformedTotals() throws -> [(reason: String, count: Int64, firstLines: [Int64])] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT reason, count, first_lines FROM malformed ORDER BY reason")).map {
                ($0["reason"], $0["count"], Self.parseLines($0["first_lines"]))
            }
        }
    }
}

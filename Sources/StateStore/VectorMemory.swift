import FeedbackLoop
import Foundation
import GRDB

/// The vector memory's size: entries, and the bytes their text, evidence and vectors take.
public struct MemoryStats: Sendable, Equatable {
    public var entries: Int64
    public var bytes: Int64
}

/// The vector memory, in the same database: entries keyed by (kind, key), each with
/// the vector of the embedder that made it.
extension StateStore {
    /// Stores entries, updating an existing (kind, key) in place: its evidence merged
    /// (what a later stage added, such as Predict's model error, stays until replaced),
    /// its text and tags when they changed — and then its vector is dropped, to be made
    /// again. Returns how many were added, and how many existing ones actually changed.
    public func remember(_ entries: [MemoryEntry], cycle: Int64, at now: Microseconds) throws -> (added: Int64, updated: Int64) {
        try writing { db in
            var added: Int64 = 0, updated: Int64 = 0
            for e in entries {
                let tags = Self.json(e.tags)
                if let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT id, text, tags_json, evidence_json, note FROM memory_entries WHERE kind = ? AND key = ?
                    """), arguments: [e.kind.rawValue, e.key]) {
                    let evidence = Self.json(Self.evidence(row["evidence_json"], db).merging(e.evidence) { $1 })
                    let reembed = row["text"] != e.text || row["tags_json"] != tags
                    guard reembed || row["evidence_json"] != evidence || row["note"] != e.note else { continue }
                    try db.cachedStatement(sql: """
                        UPDATE memory_entries SET text = ?, tags_json = ?, evidence_json = ?, note = ?, updated_cycle = ?,
                               updated_us = ?\(reembed ? ", embedder = NULL, vector = NULL" : "") WHERE id = ?
                        """).execute(arguments: [e.text, tags, evidence, e.note, cycle, now, row["id"] as Int64])
                    updated += 1
                } else {
                    try db.cachedStatement(sql: """
                        INSERT INTO memory_entries (kind, key, text, tags_json, evidence_json, note, created_cycle,
                                                    updated_cycle, created_us, updated_us)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [e.kind.rawValue, e.key, e.text, tags, Self.json(e.evidence), e.note, cycle, cycle,
                                                 now, now])
                    added += 1
                }
            }
            return (added, updated)
        }
    }

    /// Merges numbers into entries' evidence (the model errors Predict measured), in
    /// one transaction.
    public func annotateMemory(kind: MemoryEntry.Kind, _ evidence: [String: [String: Double]]) throws {
        guard !evidence.isEmpty else { return }
        try writing { db in
            for (key, numbers) in evidence {
                let read = try db.cachedStatement(sql: "SELECT evidence_json FROM memory_entries WHERE kind = ? AND key = ?")
                guard let old = try String.fetchOne(read, arguments: [kind.rawValue, key]) else { continue }
                let merged = Self.evidence(old, db).merging(numbers) { $1 }
                try db.cachedStatement(sql: "UPDATE memory_entries SET evidence_json = ? WHERE kind = ? AND key = ?")
                    .execute(arguments: [Self.json(merged), kind.rawValue, key])
            }
        }
    }

    /// Entries with no vector from `embedder` (new, changed, or made by another), oldest first.
    public func entriesNeedingVectors(embedder: String, limit: Int) throws -> [(id: Int64, text: String)] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, text FROM memory_entries WHERE embedder IS NULL OR embedder != ? ORDER BY id LIMIT ?
                """), arguments: [embedder, limit]).map { ($0["id"], $0["text"]) }
        }
    }

    public func storeVectors(_ vectors: [(id: Int64, vector: [Float])], embedder: String) throws {
        try writing { db in
            for (id, v) in vectors {
                try db.cachedStatement(sql: "UPDATE memory_entries SET embedder = ?, vector = ? WHERE id = ?")
                    .execute(arguments: [embedder, Data(Vector.bytes(v)), id])
            }
        }
    }

    /// Every entry `embedder` made, as a search index.
    public func memoryIndex(embedder: String) throws -> VectorIndex {
        try reading { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, kind, key, tags_json, vector FROM memory_entries WHERE embedder = ? ORDER BY id
                """), arguments: [embedder])
            var index: VectorIndex?
            while let r = try rows.next() {
                // Through its bytes: `Data`'s own iterator, a check a byte, was 0.45 ms of a
                // one-shot cycle for a dozen vectors (`perf`).
                let blob: Data = r["vector"]
                let v = blob.withUnsafeBytes { Vector.floats($0) }
                if index == nil { index = VectorIndex(embedder: embedder, dimensions: v.count) }
                guard let kind = MemoryEntry.Kind(rawValue: r["kind"]) else { continue }
                index!.add(id: r["id"], kind: kind, key: r["key"], tags: Self.tags(r["tags_json"], db), vector: v)
            }
            return index ?? VectorIndex(embedder: embedder, dimensions: 0)
        }
    }

    /// Every entry's text and tags, for an index made in memory (the fallback embedder).
    public func memoryTexts() throws -> [(id: Int64, kind: MemoryEntry.Kind, key: String, tags: [String], text: String)] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT id, kind, key, tags_json, text FROM memory_entries ORDER BY id")).compactMap { r in
                MemoryEntry.Kind(rawValue: r["kind"]).map { (r["id"], $0, r["key"], Self.tags(r["tags_json"], db), r["text"]) }
            }
        }
    }

    /// Entries by id, as search hits with the given similarities, in one query.
    public func memoryHits(_ matches: [VectorIndex.Match]) throws -> [MemoryHit] {
        try memoryHits(of: [matches])[0]
    }

    /// The hits of several searches (one per pattern) in one read, each entry's stored
    /// text and evidence decoded once however many searches found it.
    public func memoryHits(of searches: [[VectorIndex.Match]]) throws -> [[MemoryHit]] {
        let ids = Array(Set(searches.joined().map(\.id)))
        guard !ids.isEmpty else { return searches.map { _ in [] } }
        let entries = try reading { db in
            var out: [Int64: (text: String, evidence: [String: Double])] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, text, evidence_json FROM memory_entries WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                                      arguments: StatementArguments(ids)) {
                out[r["id"]] = (r["text"], Self.evidence(r["evidence_json"], db))
            }
            return out
        }
        return searches.map { matches in
            matches.compactMap { m in
                entries[m.id].map {
                    MemoryHit(id: m.id, kind: m.kind, key: m.key, text: $0.text,
                              similarity: (Double(m.similarity) * 1000).rounded() / 1000, evidence: $0.evidence)
                }
            }
        }
    }

    /// Each entry's evidence of one kind, by key.
    public func memoryEvidence(kind: MemoryEntry.Kind) throws -> [String: [String: Double]] {
        try reading { db in
            var out: [String: [String: Double]] = [:]
            for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT key, evidence_json FROM memory_entries WHERE kind = ?"),
                                      arguments: [kind.rawValue]) {
                out[r["key"]] = Self.evidence(r["evidence_json"], db)
            }
            return out
        }
    }

    public func memoryStats() throws -> MemoryStats {
        try reading { db in
            let r = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(text AS BLOB)) + LENGTH(CAST(tags_json AS BLOB))
                       + LENGTH(CAST(evidence_json AS BLOB)) + COALESCE(LENGTH(vector), 0)), 0) AS bytes FROM memory_entries
                """))!
            return MemoryStats(entries: r["n"], bytes: r["bytes"])
        }
    }

    /// Arrays of strings and dictionaries of finite numbers always encode; a non-finite
    /// number is stored as null (read back as no evidence), as Foundation's refusal was.
    static func json(_ tags: [String]) -> String { StoredJSON.strings(tags) }
    static func json(_ evidence: [String: Double]) -> String { StoredJSON.numbers(evidence) ?? "null" }

    /// A stored tag list, read by SQLite's JSON functions; [] when it is not one.
    /// Foundation's `JSONDecoder`, which did this, costs ~1.6 ms the first time a process
    /// uses it (its generic types are made at run time, each proven against every
    /// conformance record); a one-shot `cycle` used it for a dozen small documents.
    static func tags(_ json: String, _ db: Database) -> [String] {
        let sql = "SELECT value FROM json_each(?) WHERE json_type(?) = 'array' AND type = 'text' ORDER BY key"
        return (try? String.fetchAll(db.cachedStatement(sql: sql), arguments: [json, json])) ?? []
    }

    /// Stored evidence (name → number), read by SQLite's JSON functions; [:] when it is
    /// not a JSON object.
    static func evidence(_ json: String, _ db: Database) -> [String: Double] {
        let sql = """
            SELECT key, value FROM json_each(?) WHERE json_type(?) = 'object' AND type IN ('integer', 'real')
            """
        guard let rows = try? Row.fetchAll(db.cachedStatement(sql: sql), arguments: [json, json]) else { return [:] }
        var out: [String: Double] = [:]
        for r in rows { out[r["key"]] = r["value"] }
        return out
    }
}

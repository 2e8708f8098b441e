import FeedbackLoop
import GRDB

extension StateStore {
    /// Every bucket in [fromHour, toHour], names resolved.
    public func buckets(fromHour: Int32, toHour: Int32) throws -> [BucketRow] {
        try db.read { db in
            let severities = try String.fetchAll(db, sql: "SELECT name FROM severities ORDER BY id")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT f.name AS function, s.text AS signature, s.articles, b.hour, b.count,
                       b.first_us, b.last_us, b.severity_mask
                FROM buckets b JOIN functions f ON f.id = b.function_id JOIN signatures s ON s.id = b.signature_id
                WHERE b.hour BETWEEN ? AND ?
                """, arguments: [fromHour, toHour])
            var out: [BucketRow] = []
            while let r = try rows.next() {
                let mask = UInt64(bitPattern: r["severity_mask"])
                out.append(BucketRow(
                    function: r["function"], signature: r["signature"],
                    articles: ArticleSet(rawValue: UInt8(truncatingIfNeeded: r["articles"] as Int)),
                    hour: r["hour"],
                    totals: BucketTotals(count: r["count"], first: r["first_us"], last: r["last_us"], severityMask: mask),
                    severities: severities.indices.filter { $0 < 63 && mask & (1 << UInt64($0)) != 0 }.map { severities[$0] }))
            }
            return out
        }
    }

    /// The earliest hour with a bucket, for `--all`.
    public func firstHour() throws -> Int32? {
        try db.read { try Int32.fetchOne($0, sql: "SELECT min(hour) FROM buckets") }
    }

    /// Totals over every bucket: violations, buckets, distinct functions and signatures.
    /// Used by tests and `status` to compare stores.
    public func totals() throws -> (violations: Int64, buckets: Int64, functions: Int64, signatures: Int64) {
        try db.read { db in
            let r = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(count), 0) AS v, count(*) AS b,
                       (SELECT count(*) FROM functions) AS f, (SELECT count(*) FROM signatures) AS s
                FROM buckets
                """)!
            return (r["v"], r["b"], r["f"], r["s"])
        }
    }

    /// A canonical dump of every bucket, for proving two stores hold the same data.
    public func bucketDigest() throws -> [String] {
        try db.read { db in
            try String.fetchAll(db, sql: """
                SELECT f.name || '|' || s.text || '|' || b.hour || '|' || b.count || '|' || b.first_us || '|' || b.last_us
                FROM buckets b JOIN functions f ON f.id = b.function_id JOIN signatures s ON s.id = b.signature_id
                ORDER BY 1
                """)
        }
    }
}

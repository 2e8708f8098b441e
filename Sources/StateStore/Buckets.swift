import FeedbackLoop
import GRDB

extension StateStore {
    /// Every bucket in [fromHour, toHour], names resolved. Names come from three small
    /// lookup tables read first, so the per-row work is integers only (an hourly cycle
    /// reads tens of thousands of rows for its forecasts' history).
    public func buckets(fromHour: Int32, toHour: Int32) throws -> [BucketRow] {
        try reading { db in
            let severities = try String.fetchAll(db, sql: "SELECT name FROM severities ORDER BY id")
            var functions: [Int64: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, name FROM functions") { functions[r[0]] = r[1] }
            var signatures: [Int64: (String, ArticleSet)] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, text, articles FROM signatures") {
                signatures[r[0]] = (r[1], ArticleSet(rawValue: UInt8(truncatingIfNeeded: r[2] as Int)))
            }
            var severityNames: [UInt64: [String]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT function_id, signature_id, hour, count, first_us, last_us, severity_mask
                FROM buckets WHERE hour BETWEEN ? AND ?
                """, arguments: [fromHour, toHour])
            var out: [BucketRow] = []
            while let r = try rows.next() {
                let mask = UInt64(bitPattern: r[6])
                let names = severityNames[mask] ?? {
                    let n = severities.indices.filter { $0 < 63 && mask & (1 << UInt64($0)) != 0 }.map { severities[$0] }
                    severityNames[mask] = n
                    return n
                }()
                let sig = signatures[r[1]] ?? ("?", ArticleSet())
                out.append(BucketRow(
                    function: functions[r[0]] ?? "?", signature: sig.0, articles: sig.1, hour: r[2],
                    totals: BucketTotals(count: r[3], first: r[4], last: r[5], severityMask: mask),
                    severities: names))
            }
            return out
        }
    }

    /// The earliest hour with a bucket, for `--all`.
    public func firstHour() throws -> Int32? {
        try reading { try Int32.fetchOne($0, sql: "SELECT min(hour) FROM buckets") }
    }

    /// Totals over every bucket: violations, buckets, distinct functions and signatures.
    /// Used by tests and `status` to compare stores.
    public func totals() throws -> (violations: Int64, buckets: Int64, functions: Int64, signatures: Int64) {
        try reading { db in
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
        try reading { db in
            try String.fetchAll(db, sql: """
                SELECT f.name || '|' || s.text || '|' || b.hour || '|' || b.count || '|' || b.first_us || '|' || b.last_us
                FROM buckets b JOIN functions f ON f.id = b.function_id JOIN signatures s ON s.id = b.signature_id
                ORDER BY 1
                """)
        }
    }
}

extension StateStore {
    /// The first violation of every function in the whole history (microseconds), so a
    /// pattern's "first seen" is not the window's start.
    public func firstSeen() throws -> [String: Int64] {
        try reading { db in
            var out: [String: Int64] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT f.name, min(b.first_us) FROM buckets b JOIN functions f ON f.id = b.function_id
                GROUP BY b.function_id
                """) { out[r[0]] = r[1] }
            return out
        }
    }
}

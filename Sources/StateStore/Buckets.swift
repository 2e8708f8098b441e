import FeedbackLoop
import GRDB

extension StateStore {
    /// Every bucket in [fromHour, toHour], names resolved. Every cycle reads tens of
    /// thousands of these for its forecasts' history, so the per-row work is integers
    /// only: names come from the small lookup tables read first (arrays by id), and the
    /// columns are read straight from the statement, which the covering hour index
    /// answers without touching the table.
    public func buckets(fromHour: Int32, toHour: Int32) throws -> [BucketRow] {
        try reading { db in
            let severities = try String.fetchAll(db, sql: "SELECT name FROM severities ORDER BY id")
            let functions = try Self.byID(db, sql: "SELECT id, name, 0 FROM functions")
            let signatures = try Self.byID(db, sql: "SELECT id, text, articles FROM signatures")
            let row = try RawStatement(db, sql: """
                SELECT function_id, signature_id, hour, count, first_us, last_us, severity_mask
                FROM buckets WHERE hour BETWEEN ? AND ?
                """)
            row.bind(1, Int64(fromHour))
            row.bind(2, Int64(toHour))
            var severityNames: (mask: UInt64, names: [String])? = nil
            var out: [BucketRow] = []
            while try row.next() {
                let mask = UInt64(bitPattern: row.int64(6))
                if severityNames?.mask != mask {
                    severityNames = (mask, severities.indices.filter { $0 < 63 && mask & (1 << UInt64($0)) != 0 }.map { severities[$0] })
                }
                let function = functions.name(row.int64(0))
                let signature = signatures.name(row.int64(1))
                out.append(BucketRow(
                    function: function.name, signature: signature.name, articles: ArticleSet(rawValue: signature.extra),
                    hour: row.int32(2),
                    totals: BucketTotals(count: row.int64(3), first: row.int64(4), last: row.int64(5), severityMask: mask),
                    severities: severityNames!.names))
            }
            return out
        }
    }

    /// A lookup table's names by id (`SELECT id, name, small-int`), ids being dense.
    struct Names {
        var entries: [(name: String, extra: UInt8)?]
        func name(_ id: Int64) -> (name: String, extra: UInt8) {
            id >= 0 && id < entries.count ? entries[Int(id)] ?? ("?", 0) : ("?", 0)
        }
    }

    static func byID(_ db: Database, sql: String) throws -> Names {
        var names = Names(entries: [])
        for r in try Row.fetchAll(db, sql: sql) {
            let id: Int = r[0]
            guard id >= 0 else { continue }
            if id >= names.entries.count { names.entries += repeatElement(nil, count: id + 1 - names.entries.count) }
            names.entries[id] = (r[1], UInt8(truncatingIfNeeded: r[2] as Int))
        }
        return names
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
            for r in try Row.fetchAll(db, sql: "SELECT name, first_us FROM functions WHERE first_us IS NOT NULL") {
                out[r[0]] = r[1]
            }
            return out
        }
    }
}

import FeedbackLoop
import GRDB
import Synchronization

extension StateStore {
    /// Every bucket in [fromHour, toHour], names resolved, in hour order.
    public func buckets(fromHour: Int32, toHour: Int32) throws -> [BucketRow] {
        try reading { db in try Self.bucketRows(db, fromHour, toHour) }
    }

    /// The window's rows as they stand before a cycle's commit, and the newest cycle
    /// then. A cycle reads it while Observe scans (on the core the scan leaves idle), so
    /// after its commit only the hours its lines touched are read again. It is read
    /// aside (`readingAside`): a one-shot's commit, on the store's one connection, would
    /// otherwise wait for the read, which outlasts the scan of an hour's lines (7.5 ms
    /// against 4.7, uprobes).
    ///
    /// Its rows are taken once, by the read through it, which extends them in place: a
    /// copy of the kept ones (thousands of rows of strings) was 1.6 ms of CPU a daemon's
    /// hourly cycle in `perf`.
    public struct BucketSnapshot: Sendable {
        public let fromHour: Int32
        public let toHour: Int32
        let lastCycle: Int64
        private let held: Held

        final class Held: Sendable {
            let rows: Mutex<[BucketRow]?>
            init(_ rows: [BucketRow]) { self.rows = Mutex(rows) }
        }

        init(fromHour: Int32, toHour: Int32, rows: [BucketRow], lastCycle: Int64) {
            (self.fromHour, self.toHour, self.lastCycle, held) = (fromHour, toHour, lastCycle, Held(rows))
        }

        /// The rows, still held (nil once taken).
        var rows: [BucketRow]? { held.rows.withLock { $0 } }

        /// The rows, now this caller's alone (nil: taken already).
        func take() -> [BucketRow]? {
            held.rows.withLock { rows in
                let taken = rows
                rows = nil
                return taken
            }
        }
    }

    public func bucketSnapshot(fromHour: Int32, toHour: Int32) throws -> BucketSnapshot {
        try readingAside { db in
            BucketSnapshot(fromHour: fromHour, toHour: toHour, rows: try Self.bucketRows(db, fromHour, toHour),
                           lastCycle: try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(id), 0) FROM cycles"))!)
        }
    }

    /// [fromHour, toHour] as it stands now, read through `snapshot`: its rows before the
    /// first hour `cycle`'s commit touched (`touchedFrom`, nil: no line), the store's
    /// from there. Exact only while `cycle` is the one cycle begun since the snapshot —
    /// buckets are committed with their cycle's start, in one transaction — so when
    /// another began meanwhile (a lock bypassed), the whole range is read again; so it
    /// is when the snapshot's rows were taken by an earlier read.
    public func buckets(fromHour: Int32, toHour: Int32, through snapshot: BucketSnapshot, cycle: Int64,
                        touchedFrom: Int32?) throws -> [BucketRow] {
        try reading { db in
            let others = try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM cycles WHERE id > ? AND id != ?"),
                                            arguments: [snapshot.lastCycle, cycle])!
            guard others == 0, snapshot.fromHour == fromHour, snapshot.toHour == toHour, var rows = snapshot.take() else {
                return try Self.bucketRows(db, fromHour, toHour)
            }
            guard let touchedFrom, touchedFrom <= toHour else { return rows }
            // Rows run in hour order (the covering index's), so the kept ones are a prefix;
            // the touched hours are the last few, so the cut is found from the end.
            let split = max(touchedFrom, fromHour)
            var keep = rows.count
            while keep > 0, rows[keep - 1].hour >= split { keep -= 1 }
            rows.removeSubrange(keep...)
            rows += try Self.bucketRows(db, split, toHour)
            return rows
        }
    }

    /// Every cycle reads thousands of rows for its forecasts' history, so the per-row
    /// work is integers only: names come from the small lookup tables read first (arrays
    /// by id), and the columns straight from the statement, which the covering hour
    /// index answers in its own order, without touching the table or sorting.
    static func bucketRows(_ db: Database, _ fromHour: Int32, _ toHour: Int32) throws -> [BucketRow] {
        let severities = try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM severities ORDER BY id"))
        let functions = try Self.byID(db, sql: "SELECT id, name, 0 FROM functions")
        let signatures = try Self.byID(db, sql: "SELECT id, text, articles FROM signatures")
        let row = try RawStatement(db, sql: """
            SELECT function_id, signature_id, hour, count, first_us, last_us, severity_mask
            FROM buckets WHERE hour BETWEEN ? AND ?
            ORDER BY hour, function_id, signature_id
            """)
        row.bind(1, Int64(fromHour))
        row.bind(2, Int64(toHour))
        var names = SeverityNames(severities)
        // Reserved: grown by doubling, the array is copied into fresh memory several
        // times, and the page faults of those copies were ~1 ms of a one-shot cycle. A
        // row per function an hour is the estimate (counting the rows first was a second
        // pass over the index, 17% of this read in `perf`), up to 65,536 rows: `--all`
        // over years of thousands of functions must not reserve gigabytes it may not fill.
        var out: [BucketRow] = []
        out.reserveCapacity(min(1 << 16, max(0, Int(toHour) - Int(fromHour) + 1) * max(1, functions.entries.count)))
        while try row.next() {
            let mask = UInt64(bitPattern: row.int64(6))
            let function = functions.name(row.int64(0))
            let signature = signatures.name(row.int64(1))
            out.append(BucketRow(
                function: function.name, signature: signature.name, articles: ArticleSet(rawValue: signature.extra),
                hour: row.int32(2),
                totals: BucketTotals(count: row.int64(3), first: row.int64(4), last: row.int64(5), severityMask: mask),
                severities: names[mask]))
        }
        return out
    }

    /// A mask's severity names, made once per mask and shared by every row that has it:
    /// masks alternate row to row, and making the list again at each change was 12% of
    /// the history read. The masks of the first eight severities (the generated log names
    /// four, the real ones one) are looked up by index: hashing the mask was ~4% of the
    /// history read (`perf`).
    struct SeverityNames {
        let all: [String]
        var small = [[String]?](repeating: nil, count: 256)
        var made: [UInt64: [String]] = [:]

        init(_ all: [String]) { self.all = all }

        subscript(mask: UInt64) -> [String] {
            mutating get {
                if mask < 256, let names = small[Int(mask)] { return names }
                if mask >= 256, let names = made[mask] { return names }
                let names = all.indices.filter { $0 < 63 && mask & (1 << UInt64($0)) != 0 }.map { all[$0] }
                if mask < 256 { small[Int(mask)] = names } else { made[mask] = names }
                return names
            }
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
        for r in try Row.fetchAll(db.cachedStatement(sql: sql)) {
            let id: Int = r[0]
            guard id >= 0 else { continue }
            if id >= names.entries.count { names.entries += repeatElement(nil, count: id + 1 - names.entries.count) }
            names.entries[id] = (r[1], UInt8(truncatingIfNeeded: r[2] as Int))
        }
        return names
    }

    /// The earliest hour with a bucket, for `--all`.
    public func firstHour() throws -> Int32? {
        try reading { try Int32.fetchOne($0.cachedStatement(sql: "SELECT min(hour) FROM buckets")) }
    }

    /// Totals over every bucket: violations, buckets, distinct functions and signatures.
    /// Used by tests and `status` to compare stores.
    public func totals() throws -> (violations: Int64, buckets: Int64, functions: Int64, signatures: Int64) {
        try reading { db in
            let r = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT coalesce(sum(count), 0) AS v, count(*) AS b,
                       (SELECT count(*) FROM functions) AS f, (SELECT count(*) FROM signatures) AS s
                FROM buckets
                """))!
            return (r["v"], r["b"], r["f"], r["s"])
        }
    }

    /// A canonical dump of every bucket, for proving two stores hold the same data.
    public func bucketDigest() throws -> [String] {
        try reading { db in
            try String.fetchAll(db.cachedStatement(sql: """
                SELECT f.name || '|' || s.text || '|' || b.hour || '|' || b.count || '|' || b.first_us || '|' || b.last_us
                FROM buckets b JOIN functions f ON f.id = b.function_id JOIN signatures s ON s.id = b.signature_id
                ORDER BY 1
                """))
        }
    }
}

extension StateStore {
    /// The first violation of every function in the whole history (microseconds), so a
    /// pattern's "first seen" is not the window's start.
    public func firstSeen() throws -> [String: Int64] {
        try reading { db in
            var out: [String: Int64] = [:]
            for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT name, first_us FROM functions WHERE first_us IS NOT NULL")) {
                out[r[0]] = r[1]
            }
            return out
        }
    }
}

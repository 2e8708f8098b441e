import FeedbackLoop
import GRDB

extension StateStore {
    /// The metrics' all-time counters (`…_total`), as the store keeps them: they grow in
    /// the transaction that records each cycle, so a restart, a SIGKILL or a cycle by
    /// hand neither resets nor double-counts them.
    public func counters() throws -> [MetricKey: Int64] {
        try reading { db in
            var out: [MetricKey: Int64] = [:]
            for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT name, labels, value FROM counters")) {
                out[MetricKey(name: r["name"], labels: r["labels"])] = r["value"]
            }
            return out
        }
    }

    /// Adds `increments` to the counters, inside a write transaction of the caller's.
    static func count(_ increments: [MetricKey: Int64], in db: Database) throws {
        for (key, value) in increments where value != 0 {
            try db.cachedStatement(sql: """
                INSERT INTO counters (name, labels, value) VALUES (?, ?, ?)
                ON CONFLICT (name, labels) DO UPDATE SET value = value + excluded.value
                """).execute(arguments: [key.name, key.labels, value])
        }
    }
}

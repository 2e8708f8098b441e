import Cycle
import FeedbackLoop
import Foundation
import GRDB
@testable import StateStore
import Testing

/// Schema v14: the covering hour index and the first violation kept per function. Both
/// change how a cycle reads, never what it reads: the rows and "first seen" must be what
/// the whole buckets table says.
@Suite struct HourIndexTests {
    /// "First seen" as it was computed before v14: the minimum over every bucket.
    static func firstSeenFromBuckets(_ path: String) throws -> [String: Int64] {
        let q = try DatabaseQueue(path: path)
        return try q.read { db in
            var out: [String: Int64] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT f.name, min(b.first_us) FROM buckets b JOIN functions f ON f.id = b.function_id
                GROUP BY b.function_id
                """) { out[r[0]] = r[1] }
            return out
        }
    }

    static func line(_ at: String, _ function: String, _ error: String = "Article II: 3 tests failing") -> String {
        #"{"timestamp": "\#(at)", "violation_type": "ConstitutionalCompliance", "function": "\#(function)", "error": "\#(error)", "severity": "BLOCKER"}"# + "\n"
    }

    @Test func firstSeenKeepsTheEarliestViolationAcrossCyclesAndOutOfOrderLines() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/v.jsonl"
        try (Self.line("2025-10-07T10:00:00Z", "create_planner_agent") + Self.line("2025-10-07T11:30:00Z", "run_quality_gate"))
            .write(toFile: log, atomically: false, encoding: .utf8)
        let store = try StateStore(directory: dir + "/state")
        _ = try await CycleRunner(store: store).run(options(log, dir))
        #expect(try store.firstSeen() == (try Self.firstSeenFromBuckets(store.databasePath)))
        // A later cycle: one line earlier than any before (a log written out of order),
        // one later, and a function new to the store.
        let more = Self.line("2025-10-06T09:15:00Z", "create_planner_agent") + Self.line("2025-10-07T20:00:00Z", "run_quality_gate")
            + Self.line("2025-10-07T21:00:00Z", "create_mock_agent")
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try h.seekToEnd()
        try h.write(contentsOf: Data(more.utf8))
        try h.close()
        _ = try await CycleRunner(store: store).run(options(log, dir))
        let seen = try store.firstSeen()
        #expect(try seen == Self.firstSeenFromBuckets(store.databasePath))
        #expect(seen["create_planner_agent"] == Timestamp.parse("2025-10-06T09:15:00Z"))
        #expect(seen["run_quality_gate"] == Timestamp.parse("2025-10-07T11:30:00Z"))
        #expect(seen.count == 3)
    }

    @Test func aVersion13StoreGetsTheIndexAndFirstSeenFromItsBuckets() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/consciousness.sqlite"
        do {
            let pool = try DatabasePool(path: path)
            let v13 = try #require(Schema.migrator.migrations.first { $0.hasPrefix("v13:") })
            try Schema.migrator.migrate(pool, upTo: v13)
            try pool.write { db in
                try db.execute(sql: "INSERT INTO functions (id, name) VALUES (1, 'a'), (5, 'b'), (7, 'never')")
                try db.execute(sql: "INSERT INTO signatures (id, text, articles) VALUES (3, 'Article II: N tests failing', 2)")
                try db.execute(sql: "INSERT INTO severities (id, name) VALUES (0, 'BLOCKER')")
                try db.execute(sql: """
                    INSERT INTO buckets (function_id, signature_id, hour, count, first_us, last_us, severity_mask)
                    VALUES (1, 3, 10, 2, 36000000100, 36000000900, 1), (1, 3, 12, 1, 43200000000, 43200000000, 1),
                           (5, 3, 11, 4, 39600000050, 39600000070, 1)
                    """)
            }
            try pool.close()
        }
        let store = try StateStore(directory: dir)
        #expect(try store.schemaVersion() == 14)
        #expect(try store.firstSeen() == ["a": 36000000100, "b": 39600000050])
        let rows = try store.buckets(fromHour: 11, toHour: 12)
        #expect(rows.map { "\($0.function) \($0.signature) \($0.hour) \($0.totals.count) \($0.severities)" }
                == ["b Article II: N tests failing 11 4 [\"BLOCKER\"]", "a Article II: N tests failing 12 1 [\"BLOCKER\"]"])
        #expect(rows.allSatisfy { $0.articles == ArticleSet(rawValue: 2) })
        let plan = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT function_id, signature_id, hour, count, first_us, last_us, severity_mask
                FROM buckets WHERE hour BETWEEN 11 AND 12 ORDER BY hour, function_id, signature_id
                """, adapter: SuffixRowAdapter(fromIndex: 3))
        }
        #expect(plan.contains { $0.contains("COVERING INDEX buckets_by_hour_covering") }, "\(plan)")
        // The hour order a cycle splices its history by comes from the index, not a sort.
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }
}

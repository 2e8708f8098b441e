import FeedbackLoop
import GRDB

/// A cycle as recorded: when, how it ended, its headline counts and its JSON report.
public struct CycleRecord: Sendable, Equatable {
    public var id: Int64
    public var startedAt: Microseconds
    public var finishedAt: Microseconds?
    public var result: CycleResult
    /// Why a failed cycle failed.
    public var failure: String?
    public var violationsAnalyzed: Int64?
    public var patterns: Int64?
    public var linesRead: Int64?
    public var malformed: Int64?
    public var reportJSON: String?
}

extension StateStore {
    /// Opens a cycle and returns its number. A cycle left 'running' by a killed
    /// process stays so, which `status` shows as interrupted.
    public func beginCycle(at now: Microseconds) throws -> Int64 {
        try writing { db in
            try db.cachedStatement(sql: "INSERT INTO cycles (started_us) VALUES (?)").execute(arguments: [now])
            return db.lastInsertedRowID
        }
    }

    /// The number the next cycle will get (stable while the cycle lock is held).
    public func nextCycleID() throws -> Int64 {
        try reading { db in
            (try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'cycles'")) ?? 0) + 1
        }
    }

    /// Records the finished cycle and adds `counting` (its metrics' increments) to the
    /// all-time counters, in one transaction.
    public func finishCycle(_ report: CycleReport, at now: Microseconds, counting: [MetricKey: Int64] = [:]) throws {
        let result = CycleResult.of(report.stages).rawValue
        try writing { db in
            try Self.count(counting, in: db)
            try db.cachedStatement(sql: """
                UPDATE cycles SET finished_us = ?, result = ?, violations_analyzed = ?, patterns = ?,
                       lines_read = ?, malformed = ?, report_json = ? WHERE id = ?
                """).execute(arguments: [now, result, report.analysis.violationsAnalyzed, report.analysis.patterns.count,
                                 report.ingest?.linesRead, report.ingest?.malformed.total, report.json(), report.cycle])
        }
    }

    /// Marks a cycle that stopped on an error as failed, with the reason.
    public func failCycle(_ id: Int64, reason: String, at now: Microseconds, counting: [MetricKey: Int64] = [:]) throws {
        try writing { db in
            try Self.count(counting, in: db)
            try db.cachedStatement(sql: "UPDATE cycles SET result = 'failed', failure = ?, finished_us = ? WHERE id = ?")
                .execute(arguments: [reason, now, id])
        }
    }

    public func lastCycle() throws -> CycleRecord? {
        try reading { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cycles ORDER BY id DESC LIMIT 1")).map(Self.cycleRecord)
        }
    }
}

extension StateStore {
    /// Small facts the daemon leaves for `status` (the next cycle's time).
    public func setMeta(_ key: String, _ value: String) throws {
        try writing {
            try $0.cachedStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").execute(arguments: [key, value])
        }
    }

    public func meta(_ key: String) throws -> String? {
        try reading { try String.fetchOne($0.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key]) }
    }
}

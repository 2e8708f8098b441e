import FeedbackLoop
import GRDB

/// What the morning report reads from the store — a night's cycles, its hourly
/// counts, the forecasts' accuracy as of its end — and the reports themselves, kept
/// so `consciousness report --morning` prints again what the daemon wrote.
extension StateStore {
    /// The meta key holding the last date a morning report was written for.
    public static let lastMorningReportKey = "morning_report_last_date"

    /// Cycles that started in [from, to), oldest first.
    public func cycles(startedFrom from: Microseconds, before to: Microseconds) throws -> [CycleRecord] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM cycles WHERE started_us >= ? AND started_us < ? ORDER BY id"),
                             arguments: [from, to]).map(Self.cycleRecord)
        }
    }

    /// The last cycle that started before `instant` and finished.
    public func lastFinishedCycle(before instant: Microseconds) throws -> CycleRecord? {
        try reading { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM cycles WHERE started_us < ? AND finished_us IS NOT NULL ORDER BY id DESC LIMIT 1
                """), arguments: [instant]).map(Self.cycleRecord)
        }
    }

    public func cycle(_ id: Int64) throws -> CycleRecord? {
        try reading { try Row.fetchOne($0.cachedStatement(sql: "SELECT * FROM cycles WHERE id = ?"), arguments: [id]).map(Self.cycleRecord) }
    }

    static func cycleRecord(_ r: Row) -> CycleRecord {
        CycleRecord(id: r["id"], startedAt: r["started_us"], finishedAt: r["finished_us"],
                    result: CycleResult(rawValue: r["result"]) ?? .failed, failure: r["failure"],
                    violationsAnalyzed: r["violations_analyzed"], patterns: r["patterns"],
                    linesRead: r["lines_read"], malformed: r["malformed"], reportJSON: r["report_json"])
    }

    /// Violations per function for each hour of `hours`, oldest first (zeros where none).
    public func hourlyCounts(hours: ClosedRange<Int32>) throws -> [String: [Int64]] {
        try reading { db in
            var out: [String: [Int64]] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT f.name, b.hour, sum(b.count) FROM buckets b JOIN functions f ON f.id = b.function_id
                WHERE b.hour BETWEEN ? AND ? GROUP BY f.name, b.hour
                """), arguments: [hours.lowerBound, hours.upperBound])
            while let r = try rows.next() {
                let name: String = r[0]
                let hour: Int32 = r[1]
                out[name, default: Array(repeating: 0, count: hours.count)][Int(hour - hours.lowerBound)] = r[2]
            }
            return out
        }
    }

    /// Forecast accuracy as it stood at `end`: the forecasts scored before it (all of
    /// them, and those whose horizon ended in the 30 days before), the ones still
    /// waiting then, and how many were scored in [start, end). A report computed later
    /// for the same night gives the same figures.
    public func forecastAccuracy(asOf end: Microseconds, nightStart start: Microseconds) throws -> (ForecastAccuracy, Int) {
        try reading { db in
            func accuracy(sinceHour: Int32) throws -> Accuracy {
                try Self.accuracy(db, sinceHour: sinceHour, scoredBefore: end)
            }
            let pending = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM forecasts WHERE made_us < ? AND (actual IS NULL OR scored_us >= ?)
                """), arguments: [end, end]) ?? 0
            let scoredInNight = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM forecasts WHERE actual IS NOT NULL AND scored_us >= ? AND scored_us < ?
                """), arguments: [start, end]) ?? 0
            let endHour = Timestamp.hour(of: end)
            let a = ForecastAccuracy(lastThirtyDays: try accuracy(sinceHour: endHour - 30 * 24),
                                     allTime: try accuracy(sinceHour: Int32.min), scoredThisCycle: 0, pending: pending)
            return (a, scoredInNight)
        }
    }

    /// Keeps a morning report (a later one for the same date replaces it).
    public func saveMorningReport(date: String, nightStart: Microseconds, nightEnd: Microseconds,
                                  writtenAt: Microseconds, json: String) throws {
        try writing { db in
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO morning_reports (date, night_start_us, night_end_us, written_us, json)
                VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [date, nightStart, nightEnd, writtenAt, json])
        }
    }

    /// The stored report of a date, or of the latest date when `date` is nil.
    public func morningReport(date: String?) throws -> (date: String, json: String)? {
        try reading { db in
            let row = if let date {
                try Row.fetchOne(db.cachedStatement(sql: "SELECT date, json FROM morning_reports WHERE date = ?"), arguments: [date])
            } else {
                try Row.fetchOne(db.cachedStatement(sql: "SELECT date, json FROM morning_reports ORDER BY date DESC LIMIT 1"))
            }
            return row.map { ($0["date"], $0["json"]) }
        }
    }
}

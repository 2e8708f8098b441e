import FeedbackLoop
import Foundation
import GRDB

extension StateStore {
    /// Stores this cycle's forecasts, with their inputs, for scoring once their
    /// horizon has passed.
    public func record(_ forecasts: [Forecast], cycle: Int64, madeAt: Microseconds, horizonHours: Int) throws {
        try writing { db in
            for f in forecasts {
                let start = Timestamp.hour(of: Timestamp.parse(f.horizonStart)!)
                try db.cachedStatement(sql: """
                    INSERT INTO forecasts (cycle, function, made_us, start_hour, end_hour, expected, lower, upper,
                                           probability, confidence, low_confidence, inputs_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [cycle, f.function, madeAt, start, start + Int32(horizonHours), f.expected,
                                             f.interval[0], f.interval[1], f.probability, f.confidence, f.lowConfidence,
                                             try StoredJSON.encode(f.model)])
            }
        }
    }

    /// Scores every forecast whose horizon ended by `nowHour` against the violations
    /// ingested for its window. Idempotent: a forecast is scored once, ever — the
    /// update only touches rows not yet scored, in one transaction.
    @discardableResult
    public func scoreDueForecasts(nowHour: Int32, at now: Microseconds) throws -> Int {
        try writing { db in
            let due = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, function, start_hour, end_hour, expected, lower, upper, probability
                FROM forecasts WHERE actual IS NULL AND end_hour <= ?
                """), arguments: [nowHour])
            for r in due {
                let actual = try Int64.fetchOne(db.cachedStatement(sql: """
                    SELECT coalesce(sum(b.count), 0) FROM buckets b JOIN functions f ON f.id = b.function_id
                    WHERE f.name = ? AND b.hour >= ? AND b.hour < ?
                    """), arguments: [r["function"], r["start_hour"], r["end_hour"]]) ?? 0
                let s = ForecastScore(expected: r["expected"], interval: (r["lower"], r["upper"]),
                                      probability: r["probability"], actual: actual)
                try db.cachedStatement(sql: """
                    UPDATE forecasts SET actual = ?, abs_error = ?, pct_error = ?, in_interval = ?, brier = ?,
                           scored_us = ? WHERE id = ? AND actual IS NULL
                    """).execute(arguments: [actual, s.absoluteError, s.percentageError, s.inInterval, s.brier, now, r["id"]])
            }
            return due.count
        }
    }

    /// Accuracy of the forecasts scored so far: those whose horizon ended in the 30
    /// days before `nowHour`, and all of them.
    public func forecastAccuracy(nowHour: Int32, scoredThisCycle: Int) throws -> ForecastAccuracy {
        try reading { db in
            let pending = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM forecasts WHERE actual IS NULL")) ?? 0
            return ForecastAccuracy(lastThirtyDays: try Self.accuracy(db, sinceHour: nowHour - 30 * 24),
                                    allTime: try Self.accuracy(db, sinceHour: Int32.min), scoredThisCycle: scoredThisCycle,
                                    pending: pending)
        }
    }

    /// The scored forecasts whose horizon ended at `sinceHour` or later (and that were
    /// scored before `scoredBefore`), summed up.
    static func accuracy(_ db: Database, sinceHour: Int32, scoredBefore: Microseconds = .max) throws -> Accuracy {
        let r = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) AS n, avg(pct_error) AS mape, avg(abs_error) AS mae,
                   avg(in_interval) AS coverage, avg(brier) AS brier
            FROM forecasts WHERE actual IS NOT NULL AND scored_us < ? AND end_hour >= ?
            """), arguments: [scoredBefore, sinceHour])!
        var a = Accuracy()
        a.forecasts = r["n"]
        a.mape = r["mape"]
        a.meanAbsoluteError = r["mae"]
        a.intervalCoverage = r["coverage"]
        a.brier = r["brier"]
        return a
    }
}

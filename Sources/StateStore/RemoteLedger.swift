import FeedbackLoop
import GRDB

/// The remote Architect's ledger (AGENCY_MODE=hybrid): every call reserved at its worst
/// case before it is sent, booked at its actual cost after. It lives in the store so
/// the cap holds across restarts: a call cut by a crash or a SIGKILL between the two
/// stays reserved, counted at its worst case, for good.
extension StateStore {
    /// A call about to be made.
    public struct RemoteCallPlan: Sendable {
        public var night: LocalDate
        public var startedAt: Microseconds
        public var host: String
        public var model: String
        public var capUSD: Double
        public var worstCaseUSD: Double
        public var payload: String

        public init(night: LocalDate, startedAt: Microseconds, host: String, model: String, capUSD: Double,
                    worstCaseUSD: Double, payload: String) {
            self.night = night
            self.startedAt = startedAt
            self.host = host
            self.model = model
            self.capUSD = capUSD
            self.worstCaseUSD = worstCaseUSD
            self.payload = payload
        }
    }

    public enum Reservation: Sendable, Equatable {
        /// Reserved: make the call, then book it under this id.
        case reserved(id: Int64, spentBeforeUSD: Double)
        /// Not to be made: what was spent already plus the worst case would cross the cap.
        case overCap(spentUSD: Double)
    }

    /// Reserves `plan`'s worst case if what the night has spent (booked, plus what is
    /// still reserved) and it stay within the cap; else records the refusal. One
    /// IMMEDIATE transaction: the write lock is held from the sum to the insert, so two
    /// processes cannot both fit in the last dollar.
    public func reserveRemoteCall(_ plan: RemoteCallPlan) throws -> Reservation {
        writeTransactions.withLock { $0 += 1 }
        return try db.writeWithoutTransaction { db in
            var result = Reservation.overCap(spentUSD: 0)
            try db.inTransaction(.immediate) {
                let spent = try Self.spent(night: plan.night, db)
                let fits = spent + plan.worstCaseUSD <= plan.capUSD
                try db.cachedStatement(sql: """
                    INSERT INTO remote_calls (night, started_us, host, model, cap_usd, reserved_usd, state, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [plan.night.description, plan.startedAt, plan.host, plan.model, plan.capUSD,
                                     fits ? plan.worstCaseUSD : 0, fits ? "reserved" : "refused", fits ? plan.payload : ""])
                result = fits ? .reserved(id: db.lastInsertedRowID, spentBeforeUSD: spent) : .overCap(spentUSD: spent)
                if !fits {
                    try db.cachedStatement(sql: "UPDATE remote_calls SET outcome = 'over_cap', finished_us = started_us WHERE id = ?")
                        .execute(arguments: [db.lastInsertedRowID])
                }
                return .commit
            }
            return result
        }
    }

    /// What a reserved call came to.
    public struct RemoteBooking: Sendable {
        public var outcome: String
        public var reason: String?
        public var promptTokens: Int
        public var completionTokens: Int
        public var costUSD: Double
        /// False: the answer had no usage (or none came back), booked at the worst case.
        public var usageReported: Bool
        public var finishedAt: Microseconds
        /// The answer's text, kept when it was used (`remoteAnswer`).
        public var answer: String?

        public init(outcome: String, reason: String?, promptTokens: Int, completionTokens: Int, costUSD: Double,
                    usageReported: Bool, finishedAt: Microseconds, answer: String? = nil) {
            self.answer = answer
            self.outcome = outcome
            self.reason = reason
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.costUSD = costUSD
            self.usageReported = usageReported
            self.finishedAt = finishedAt
        }
    }

    public func bookRemoteCall(id: Int64, _ b: RemoteBooking) throws {
        try writing { db in
            try db.cachedStatement(sql: """
                UPDATE remote_calls SET state = 'booked', outcome = ?, reason = ?, prompt_tokens = ?, completion_tokens = ?,
                    cost_usd = ?, usage_reported = ?, finished_us = ?, answer = ? WHERE id = ? AND state = 'reserved'
                """).execute(arguments: [b.outcome, b.reason, b.promptTokens, b.completionTokens, b.costUSD,
                                 b.usageReported, b.finishedAt, b.answer, id])
        }
    }

    /// The answer a call with exactly `payload` got and used this night, if one did: a
    /// morning report made again (a restart before it was marked written, a `report
    /// --morning` by hand) asks the same question and need not pay twice.
    /// The same host only: the answer is credited to the API that gave it.
    public func remoteAnswer(night: LocalDate, host: String, payload: String) throws -> (id: Int64, answer: String)? {
        try reading { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT id, answer FROM remote_calls
                WHERE night = ? AND host = ? AND payload = ? AND state = 'booked' AND answer IS NOT NULL ORDER BY id DESC LIMIT 1
                """), arguments: [night.description, host, payload]).map { ($0["id"], $0["answer"]) }
        }
    }

    /// A night's calls against its cap.
    public func remoteSpend(night: LocalDate) throws -> RemoteSpend {
        try reading { db in
            let r = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FILTER (WHERE state != 'refused'), count(*) FILTER (WHERE state = 'refused'),
                       coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),
                       (SELECT cap_usd FROM remote_calls WHERE night = ?1 ORDER BY id DESC LIMIT 1)
                FROM remote_calls WHERE night = ?1
                """), arguments: [night.description])
            return RemoteSpend(calls: r?[0] ?? 0, refusedByCap: r?[1] ?? 0, promptTokens: r?[2] ?? 0,
                               completionTokens: r?[3] ?? 0, spentUSD: try Self.spent(night: night, db), capUSD: r?[4])
        }
    }

    /// The latest night the ledger has a call (or a refusal) for.
    public func latestRemoteNight() throws -> LocalDate? {
        try reading { try String.fetchOne($0.cachedStatement(sql: "SELECT night FROM remote_calls ORDER BY id DESC LIMIT 1")) }.flatMap(LocalDate.init)
    }

    /// Every night's calls together: the metrics' all-time counters. `spentUSD` is what
    /// was booked only, so it never goes down when a reservation is booked below its
    /// worst case; what is still reserved (in flight, or cut by a crash) is `unbookedUSD`.
    public func remoteTotals() throws -> RemoteSpend {
        try reading { db in
            let r = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FILTER (WHERE state != 'refused'), count(*) FILTER (WHERE state = 'refused'),
                       coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0),
                       coalesce(sum(cost_usd) FILTER (WHERE state = 'booked'), 0),
                       coalesce(sum(reserved_usd) FILTER (WHERE state = 'reserved'), 0)
                FROM remote_calls
                """))
            var spend = RemoteSpend(calls: r?[0] ?? 0, refusedByCap: r?[1] ?? 0, promptTokens: r?[2] ?? 0,
                                    completionTokens: r?[3] ?? 0, spentUSD: r?[4] ?? 0)
            spend.unbookedUSD = r?[5] ?? 0
            return spend
        }
    }

    /// A night's calls as sent, oldest first (`report --morning --sent`).
    public struct RemoteCallRecord: Sendable, Equatable {
        public var id: Int64
        public var startedAt: Microseconds
        public var host: String
        public var model: String
        public var state: String
        public var outcome: String?
        public var reason: String?
        public var reservedUSD: Double
        public var costUSD: Double?
        public var payload: String
    }

    public func remoteCalls(night: LocalDate) throws -> [RemoteCallRecord] {
        try reading { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM remote_calls WHERE night = ? ORDER BY id"), arguments: [night.description]).map {
                RemoteCallRecord(id: $0["id"], startedAt: $0["started_us"], host: $0["host"], model: $0["model"],
                                 state: $0["state"], outcome: $0["outcome"], reason: $0["reason"],
                                 reservedUSD: $0["reserved_usd"], costUSD: $0["cost_usd"], payload: $0["payload"])
            }
        }
    }

    private static func spent(night: LocalDate, _ db: Database) throws -> Double {
        try Double.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(CASE state WHEN 'reserved' THEN reserved_usd WHEN 'booked' THEN cost_usd ELSE 0 END), 0)
            FROM remote_calls WHERE night = ?
            """), arguments: [night.description]) ?? 0
    }
}

import GRDB
import GRDBSQLite

/// A statement stepped through SQLite's C API, for the loops that run once per bucket
/// (the ingest's upsert, the hourly read). There GRDB's per-execution arguments — an
/// array of boxed values, converted and bound one by one, retained and released — are
/// paid 9,000 times in a cold cycle, beside SQLite's own ~3 µs a row.
///
/// It lives inside one `reading`/`writing` closure, on the connection GRDB lends there.
/// The compiled statement is that connection's cached one (`cachedStatement`), so the
/// daemon compiles it once, not every hour; it is reset and its bindings cleared when
/// this goes out of scope, ready for the next. Errors are GRDB's `DatabaseError`, so a
/// failed step rolls the transaction back like any other.
struct RawStatement: ~Copyable {
    /// GRDB's statement, kept for the handle's lifetime: the cache owns and finalizes it.
    private let owner: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    private let sql: String

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql)
        }
        owner = try db.cachedStatement(sql: sql)
        handle = owner.sqliteStatement
        self.connection = connection
        self.sql = sql
        Self.rewind(handle)
    }

    deinit { Self.rewind(handle) }

    /// Back to before its first step, with no value bound: as GRDB expects a cached
    /// statement it lends again (it resets and binds its own before each use).
    private static func rewind(_ handle: OpaquePointer) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds parameter `index` (from 1). Binding an integer to a parameter the
    /// statement has cannot fail; an index it lacks is a bug in the SQL beside it.
    func bind(_ index: Int32, _ value: Int64) {
        let code = sqlite3_bind_int64(handle, index, value)
        precondition(code == SQLITE_OK, "parameter \(index) of \(sql)")
    }

    /// Runs a statement that returns no row, then resets it for the next bindings.
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw Self.error(code, connection, sql) }
    }

    /// Steps to the next row: false once there is none (the statement is then reset).
    func next() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw Self.error(code, connection, sql) }
        return false
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func int32(_ column: Int32) -> Int32 { sqlite3_column_int(handle, column) }

    private static func error(_ code: Int32, _ connection: OpaquePointer, _ sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}

import CSQLiteOptions
import FeedbackLoop
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Why the state store could not be used. `path` names the directory or file.
public struct StateStoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "state directory \(path): \(reason)" }
}

/// The daemon's durable state in one SQLite database (WAL): the hour buckets, the log
/// checkpoint, malformed-line totals, cycles and proposals. Every statement a cycle
/// runs is GRDB's cached one (`cachedStatement`): compiled once per connection, not
/// once per row nor once an hour — `db.execute(sql:)` compiles the SQL again each
/// call, with GRDB's authorizer called for every table and column it names, which was
/// ~3 ms of the daemon's hourly cycle (about 70 compilations).
public final class StateStore: Sendable {
    public let directory: String
    public let databasePath: String
    let db: any DatabaseWriter
    /// A one-shot's second connection, read-only, opened by its first `readingAside`.
    let aside = Mutex<DatabaseQueue?>(nil)
    let writeTransactions = Mutex(0)

    /// `concurrentReads: false` is for a one-shot command: one connection (GRDB's
    /// `DatabaseQueue`), so reads wait for a write in progress — all but the history read
    /// beside Observe, which gets a second, read-only one (`readingAside`). It leaves out
    /// the WAL set-up of GRDB's pool, which asks Foundation's `URL` for the WAL file's
    /// size: ~1.3 ms of Foundation's first use (a one-shot +10k cycle 30.0 → 26.2 ms,
    /// median of 21 alternating runs). The daemon and the commands that may run beside it
    /// read concurrently.
    public init(directory: String, concurrentReads: Bool = true) throws(StateStoreError) {
        self.directory = directory
        self.databasePath = (directory as NSString).appendingPathComponent("consciousness.sqlite")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StateStoreError(path: directory, reason: "cannot create it (\(Self.reason(error)))")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw StateStoreError(path: directory, reason: "not writable")
        }
        _ = Self.multithreadMode
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // The pool sets WAL mode itself; one connection sets it here (a no-op on a
            // store already in WAL mode, which SQLite keeps in the file).
            if !concurrentReads { try db.execute(sql: "PRAGMA journal_mode = WAL") }
            // A kill at any instant loses at most the transaction in flight, which holds
            // buckets and checkpoint together; NORMAL is enough for that in WAL mode.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The last connection to close would copy the log into the database and sync
            // both: a few milliseconds of every one-shot command, most of a fresh store's
            // size at the end of a cold cycle. Left to the commits' own checkpoints (every
            // 1,000 pages), the log stays beside the database and SQLite reads it as part
            // of it: a killed process loses nothing committed; a power cut may take the
            // last commits, each whole with its checkpoint, as NORMAL above already allows.
            if let connection = db.sqliteConnection {
                let code = csqlite_skip_checkpoint_on_close(UnsafeMutableRawPointer(connection))
                if code != SQLITE_OK { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
            }
        }
        do {
            db = try Self.open(databasePath, config, concurrentReads: concurrentReads)
        } catch let e as StateStoreError {
            throw e
        } catch {
            throw StateStoreError(path: databasePath, reason: Self.reason(error))
        }
    }

    /// SQLite's multi-thread mode, set once before the process's first connection: a
    /// mutex taken and released around every call (~0.7 ms of the 9,000-row history
    /// read, by a C loop over the same store) guards nothing GRDB does not already —
    /// "only the multi-thread mode is currently supported, since all connections access
    /// SQLite connections through a SerializedDatabase" (GRDB's `Configuration.swift`).
    private static let multithreadMode: Int32 = csqlite_use_multithread_mode()

    /// Opens and migrates the database under an exclusive lock on a file beside it. Two
    /// processes opening a new store at once (the daemon's first start and a `status`)
    /// would otherwise both read the applied migrations and both apply the next. The
    /// lock also makes an empty database file an anomaly rather than a creation in
    /// progress: SQLite would take it for a new store and start afresh, silently
    /// dropping the history the file held, so it is refused.
    static func open(_ path: String, _ config: Configuration, concurrentReads: Bool) throws -> any DatabaseWriter {
        let fd = Glibc.open(path + "-migrate.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { if fd >= 0 { close(fd) } }  // closing releases the lock
        if fd >= 0 { while flock(fd, LOCK_EX) != 0, errno == EINTR {} }
        var st = stat()
        if stat(path, &st) == 0, st.st_size == 0, access(path + "-wal", F_OK) != 0 {
            throw StateStoreError(path: path, reason: "the database file is empty (0 bytes): whatever history it held is gone. Restore it from a backup, or remove it to start a new store (the log is read again from its start)")
        }
        let db: any DatabaseWriter = concurrentReads
            ? try DatabasePool(path: path, configuration: config)
            : try DatabaseQueue(path: path, configuration: config)
        try FreshSchema.createIfEmpty(db)
        try Schema.migrator.migrate(db)
        return db
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError {
            let text = e.message ?? "\(e.resultCode)"
            guard e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB else { return text }
            return text + " — the database is damaged. Move it aside (or restore a backup) to start afresh; `sqlite3 consciousness.sqlite .recover` may save its history"
        }
        return (error as NSError).localizedDescription
    }

    /// Where reports go unless REPORTS_DIR says otherwise.
    public var defaultReportsDirectory: String { (directory as NSString).appendingPathComponent("reports") }

    /// Schema version: the number of migrations applied.
    public func schemaVersion() throws -> Int {
        try db.read { try Schema.migrator.appliedMigrations($0).count }
    }

    public func databaseSize() -> Int64 {
        let files = [databasePath, databasePath + "-wal"]
        return files.reduce(0) { total, f in
            total + ((try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int64) ?? 0)
        }
    }
}

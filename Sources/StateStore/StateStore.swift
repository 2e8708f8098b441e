import FeedbackLoop
import Foundation
import GRDB

/// Why the state store could not be used. `path` names the directory or file.
public struct StateStoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "state directory \(path): \(reason)" }
}

/// The daemon's durable state in one SQLite database (WAL): the hour buckets, the log
/// checkpoint, malformed-line totals, cycles and proposals.
public final class StateStore: Sendable {
    public let directory: String
    public let databasePath: String
    let db: DatabasePool

    public init(directory: String) throws(StateStoreError) {
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
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // A kill at any instant loses at most the transaction in flight, which holds
            // buckets and checkpoint together; NORMAL is enough for that in WAL mode.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            db = try DatabasePool(path: databasePath, configuration: config)
            try Self.migrate(db, lockPath: databasePath + "-migrate.lock")
        } catch {
            throw StateStoreError(path: databasePath, reason: Self.reason(error))
        }
    }

    /// Two processes opening a new store at once (the daemon's first start and a
    /// `status`) would both read the applied migrations and both apply the next: the
    /// migration runs under an exclusive lock on a file beside the database.
    static func migrate(_ db: DatabasePool, lockPath: String) throws {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return try Schema.migrator.migrate(db) }  // read-only directory: nothing to race
        defer { close(fd) }  // closing releases the lock
        while flock(fd, LOCK_EX) != 0, errno == EINTR {}
        try Schema.migrator.migrate(db)
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
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

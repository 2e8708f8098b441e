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
            try Self.migrate(db)
        } catch {
            throw StateStoreError(path: databasePath, reason: Self.reason(error))
        }
    }

    /// Two processes opening a new store at once (the daemon's first start and a
    /// `status`) may both try a migration; each runs in its own transaction, so the
    /// loser's rolls back and, tried again, finds it applied.
    static func migrate(_ db: DatabasePool) throws {
        for attempt in 1... {
            do {
                return try Schema.migrator.migrate(db)
            } catch let e as DatabaseError where attempt < 5 && e.message?.contains("already exists") == true {
                usleep(50_000)
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return (error as NSError).localizedDescription
    }

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

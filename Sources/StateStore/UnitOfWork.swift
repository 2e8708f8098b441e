import GRDB
import Synchronization

/// A unit of work: several of the store's operations in one write transaction.
///
/// A cycle's stages each call the store's plain methods (`commit`, `remember`,
/// `record`, …); inside `batch { }` those methods join the batch's transaction
/// instead of opening their own, so a cycle commits its work in a few transactions,
/// all or nothing each, and reads inside the batch see its own writes. The batch's
/// connection is found through the current thread (`BatchSlot`): GRDB runs a write
/// closure synchronously on one thread, and the closure is where the batch lives, so the
/// thread-specific entry exists exactly as long as the transaction, on its thread only.
extension StateStore {
    public func batch<T>(_ body: () throws -> T) throws -> T {
        writeTransactions.withLock { $0 += 1 }
        return try db.write { db in try BatchSlot.with(self, db, body) }
    }

    private var currentBatch: Database? { BatchSlot.current(self) }

    /// A write: in the current batch's transaction if there is one, else in its own.
    func writing<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = currentBatch { return try body(db) }
        writeTransactions.withLock { $0 += 1 }
        return try db.write(body)
    }

    /// A read: in the current batch (seeing its writes) if there is one.
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = currentBatch { return try body(db) }
        return try db.read(body)
    }

    /// A read that must not hold up a write: on a reader of the pool, or for a store on
    /// one connection (a one-shot command), on a second, read-only connection kept
    /// for the next. Its transaction sees the store as of its start, never half of a
    /// write.
    func readingAside<T>(_ body: (Database) throws -> T) throws -> T {
        guard db is DatabaseQueue, currentBatch == nil else { return try reading(body) }
        let queue = try aside.withLock { queue in
            if let queue { return queue }
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(5)
            let opened = try DatabaseQueue(path: databasePath, configuration: config)
            queue = opened
            return opened
        }
        return try queue.read(body)
    }

    /// Write transactions this store has opened (a batch is one), for the benchmark's
    /// "store work of an hourly cycle".
    public var writeTransactionCount: Int { writeTransactions.withLock { $0 } }
}

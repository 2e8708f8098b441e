import Glibc
import GRDB

/// Where a batch's connection is found by the store's methods it calls: a POSIX
/// thread-specific slot holding, while a batch's write closure runs on its thread, the
/// batch's entry — its store and connection, and the entry of a batch of another store
/// it runs inside, if any.
///
/// Foundation's `Thread.current.threadDictionary` did this before: an `NSMutableDictionary`
/// keyed by a string, the connection boxed as an `NSObject`, and the runtime's first casts
/// of `Database` to Foundation's bridging protocols — 1.5 ms of a one-shot `cycle` in
/// `perf`, for two pointer stores a transaction.
enum BatchSlot {
    /// One key for the process: there are 1,024 and a process may open many stores.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no POSIX thread-specific key left")
        return key
    }()

    private struct Entry {
        let store: ObjectIdentifier
        let db: Unmanaged<Database>
        let outer: UnsafeMutableRawPointer?
    }

    /// Runs `body` with `db` as this thread's batch connection for `store`.
    static func with<T>(_ store: AnyObject, _ db: Database, _ body: () throws -> T) rethrows -> T {
        let outer = pthread_getspecific(key)
        // Unretained: the write closure that calls this holds `db` until it returns, and
        // the entry (on this stack frame) is unlinked before then.
        var entry = Entry(store: ObjectIdentifier(store), db: .passUnretained(db), outer: outer)
        return try withUnsafeMutablePointer(to: &entry) { p in
            pthread_setspecific(key, p)
            defer { pthread_setspecific(key, outer) }
            return try body()
        }
    }

    /// The connection of `store`'s batch running on this thread, if one is.
    static func current(_ store: AnyObject) -> Database? {
        var next = pthread_getspecific(key)
        while let p = next {
            let e = p.assumingMemoryBound(to: Entry.self).pointee
            if e.store == ObjectIdentifier(store) { return e.db.takeUnretainedValue() }
            next = e.outer
        }
        return nil
    }
}

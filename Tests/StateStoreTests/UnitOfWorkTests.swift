import Foundation
import StateStore
import Synchronization
import Testing

/// A batch: the store's methods called inside it join its transaction on its thread,
/// and only there.
@Suite struct UnitOfWorkTests {
    struct Rollback: Error {}

    @Test func methodsInsideABatchShareItsTransactionAndSeeItsWrites() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        let before = store.writeTransactionCount
        let seen = try store.batch { () throws -> String? in
            try store.setMeta("a", "1")
            try store.setMeta("b", "2")
            return try store.meta("a")
        }
        #expect(seen == "1")
        #expect(store.writeTransactionCount - before == 1)
        #expect(try store.meta("b") == "2")
        // All or nothing: a batch that throws leaves neither write.
        #expect(throws: Rollback.self) {
            try store.batch {
                try store.setMeta("a", "changed")
                throw Rollback()
            }
        }
        #expect(try store.meta("a") == "1")
        // After the batch, a method opens its own transaction again.
        try store.setMeta("c", "3")
        #expect(store.writeTransactionCount - before == 3)
    }

    @Test func anotherThreadOrStoreDoesNotJoinTheBatch() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir + "/one")
        let other = try StateStore(directory: dir + "/two")
        let (before, otherBefore) = (store.writeTransactionCount, other.writeTransactionCount)
        let fromElsewhere = try store.batch { () throws -> String? in
            try store.setMeta("uncommitted", "yes")
            try other.setMeta("own", "transaction")
            // A batch of the other store inside this one: each store's methods join
            // their own store's batch.
            try other.batch {
                try other.setMeta("inner", "1")
                try store.setMeta("outer", "1")
            }
            // A reader on another thread: this batch's writes are not committed yet.
            let result = Mutex<String?>("not read")
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                result.withLock { $0 = try? store.meta("uncommitted") }
                done.signal()
            }
            done.wait()
            return result.withLock { $0 }
        }
        #expect(fromElsewhere == nil)
        #expect(try store.meta("uncommitted") == "yes" && store.meta("outer") == "1")
        #expect(store.writeTransactionCount - before == 1)
        #expect(other.writeTransactionCount - otherBefore == 2)
        #expect(try other.meta("own") == "transaction" && other.meta("inner") == "1")
    }
}

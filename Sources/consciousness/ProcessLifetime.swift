import Synchronization

/// What a one-shot command hands to the process's exit instead of releasing it: the
/// state store, whose teardown is work no one waits for. Releasing the store's
/// database (GRDB's `DatabaseQueue` or `DatabasePool`) calls into Foundation's
/// `NotificationCenter` for the first time in the process (the deinit of either
/// unregisters an observer, on every platform), which looks a
/// type up by name through the runtime's tables, then closes each connection: ~1 ms of
/// a one-shot `cycle`, after its report is out (uprobes and `perf`). clang's
/// `-disable-free` skips freeing at exit for the same reason.
///
/// Nothing is lost: every transaction is committed before this, the connections do
/// not checkpoint on close (`StateStore`), and the kernel releases the files and their
/// locks at exit as it would after a kill, which the store is built to survive.
enum ProcessLifetime {
    private static let kept = Mutex<[any AnyObject & Sendable]>([])

    static func keep(_ object: any AnyObject & Sendable) { kept.withLock { $0.append(object) } }
}

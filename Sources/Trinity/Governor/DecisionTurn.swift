/// One decision at a time, first come first served. An actor alone does not give that:
/// at every `await` inside a method (a call to Ollama) another caller may enter, and a
/// lease could then decide on a picture that a half-done `prepare` or load is about to
/// change. Ollama's own scheduler serialises the same way (server/sched.go,
/// `processPending`: "Block other requests until we get this pending request running").
///
/// Used only from the governor's isolation: its state needs no lock of its own.
struct DecisionTurn {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Whether the caller may go on now; if not, it must `enqueue` and wait.
    mutating func tryTake() -> Bool {
        if busy { return false }
        busy = true
        return true
    }

    mutating func enqueue(_ c: CheckedContinuation<Void, Never>) { waiting.append(c) }

    /// Hands the turn to the next waiter, in arrival order, or frees it.
    mutating func pass() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

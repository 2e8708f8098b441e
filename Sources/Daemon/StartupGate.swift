import Synchronization

/// What must be up before the daemon tells systemd `READY=1`. `systemctl start`
/// returns at READY, and an operator's next command (`consciousness status`,
/// `doctor --as-service`) goes to the control socket: it has to be listening by then,
/// not a few milliseconds later (the systemd end-to-end test caught a `doctor
/// --as-service` that ran first and found no daemon). Opened once — by the socket
/// listening, or by its service ending without ever listening, so a socket that
/// cannot be bound never holds readiness back.
public final class StartupGate: Sendable {
    private let state = Mutex(State())

    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    public init() {}

    public func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    public var isOpen: Bool { state.withLock { $0.open } }

    /// Returns once the gate is open (at once if it is).
    public func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if !s.open { s.waiters.append(c) }
                return s.open
            }
            if now { c.resume() }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing, through `sd_notify(3)`: readiness, a status
/// line for `systemctl status`, watchdog pings, reload and stop. Outside systemd (no
/// `NOTIFY_SOCKET`) every call is a no-op, so the daemon runs the same by hand.
public struct Notifier: Sendable {
    public let isActive: Bool

    public init(environment: [String: String]) {
        isActive = !(environment["NOTIFY_SOCKET"] ?? "").isEmpty
    }

    /// Sends `KEY=value` assignments, one per line, in one datagram.
    @discardableResult
    public func send(_ assignments: [(String, String)]) -> Bool {
        guard isActive, case .success(let systemd) = LibSystemd.shared else { return false }
        let text = assignments.map { "\($0.0)=\(Self.oneLine($0.1))" }.joined(separator: "\n")
        return systemd.notify(0, text) > 0
    }

    public func ready(status: String) { send([("READY", "1"), ("STATUS", status)]) }
    public func status(_ s: String) { send([("STATUS", s)]) }
    public func watchdog() { send([("WATCHDOG", "1")]) }

    public func stopping(status: String) { send([("STOPPING", "1"), ("STATUS", status)]) }

    /// `RELOADING=1` with the monotonic timestamp systemd uses to match it to the
    /// reload request (sd_notify(3)).
    public func reloading() {
        send([("RELOADING", "1"), ("MONOTONIC_USEC", String(Self.monotonicMicroseconds())), ("STATUS", "reloading configuration")])
    }

    /// Asks for more time than `TimeoutStartSec=`/`TimeoutStopSec=` allow, when start or
    /// stop legitimately takes longer (a first ingest of a huge log, a commit in flight).
    public func extendTimeout(seconds: Double) {
        send([("EXTEND_TIMEOUT_USEC", String(UInt64(seconds * 1_000_000)))])
    }

    /// The watchdog period systemd expects pings within, if it set one for this
    /// process (`WatchdogSec=`), read with `sd_watchdog_enabled(3)`.
    public static func watchdogInterval() -> Duration? {
        // No WATCHDOG_USEC, no watchdog: libsystemd need not be opened to learn that.
        guard getenv("WATCHDOG_USEC") != nil, case .success(let systemd) = LibSystemd.shared else { return nil }
        var usec: UInt64 = 0
        guard systemd.watchdogEnabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec))
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    /// A notification value cannot span lines: a newline would start a new assignment.
    static func oneLine(_ s: String) -> String {
        s.replacingNewlines()
    }
}

extension String {
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}

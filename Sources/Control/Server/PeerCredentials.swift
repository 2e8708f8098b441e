import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix-socket connection, as the kernel says
/// (SO_PEERCRED: the connecting process's pid and its effective uid and gid at
/// connect(2)) — not what the client claims. Recorded with every decision.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// The login name of `uid` on this machine, if it has one (getpwuid_r: handlers run
    /// concurrently, and getpwuid's static buffer is shared).
    public var userName: String? {
        var pw = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pw, &buffer, buffer.count, &found) == 0, found != nil, let n = pw.pw_name else { return nil }
        return String(cString: n)
    }

    /// "uid 1000 (alice), pid 4242".
    public var description: String { "uid \(uid)\(userName.map { " (\($0))" } ?? ""), pid \(pid)" }

    /// struct ucred of socket(7), which SO_PEERCRED fills: pid_t, uid_t, gid_t, 32 bits
    /// each on Linux (Glibc's module exposes it only under _GNU_SOURCE).
    struct UCred: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// The peer of `channel`, a connected Unix socket; nil for any other channel.
    public static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        guard let c = try? await future.get() else { return nil }
        return PeerCredentials(pid: c.pid, uid: c.uid, gid: c.gid)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the control socket is, and whether a daemon answers on it.
public enum ControlSocket {
    /// The installed service's: systemd's RuntimeDirectory=consciousness.
    public static let installed = "/run/consciousness/consciousness.sock"
    public static let fileName = "consciousness.sock"

    /// The daemon's: CONTROL_SOCKET, else `$RUNTIME_DIRECTORY/consciousness.sock` under
    /// systemd, else none — a daemon started by hand serves no socket unless asked.
    public static func daemonPath(configured: String?, environment: [String: String]) -> String? {
        if let configured, !configured.isEmpty { return configured }
        if let dir = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first {
            return (String(dir) as NSString).appendingPathComponent(fileName)
        }
        return nil
    }

    /// The command line's: `$CONSCIOUSNESS_SOCKET`, else the installed service's.
    public static func clientPath(environment: [String: String]) -> String {
        if let v = environment["CONSCIOUSNESS_SOCKET"], !v.isEmpty { return v }
        return installed
    }

    public enum Probe: Equatable, Sendable {
        /// A daemon accepted the connection.
        case answering
        /// No socket file: no daemon (or not the installed one).
        case absent
        /// A socket file nobody listens on: a daemon that stopped uncleanly.
        case notListening
        /// The daemon runs, but this user may not connect (not in the group).
        case denied
    }

    /// Asks the kernel, with a plain connect(2): the answer decides between talking to
    /// the daemon and reading a state directory, and names a missing group membership.
    public static func probe(_ path: String) -> Probe {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .absent }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return .absent }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if r == 0 { return .answering }
        switch errno {
        case EACCES, EPERM: return .denied
        case ECONNREFUSED: return .notListening
        default: return .absent
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Endpoint {
    /// Whether a loopback endpoint refuses connections right now: one non-blocking
    /// connect(2), whose refusal on loopback arrives within microseconds when nothing
    /// listens. Lets a
    /// dead Ollama cost a cycle a system call instead of starting the HTTP client's
    /// event loops. False when it connects, is still connecting, or cannot be told.
    func refusesConnections() -> Bool {
        guard isLoopback, let url = URL(string: base), let port = url.port.flatMap(UInt16.init(exactly:)) else { return false }
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let result: Int32
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = port.bigEndian
            a.sin6_addr = in6addr_loopback
            result = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            // localhost and 127.x all answer on 127.0.0.1's stack; a 127.x other than
            // .1 is connected to as written.
            let text = host.lowercased() == "localhost" ? "127.0.0.1" : host
            guard inet_pton(AF_INET, text, &a.sin_addr) == 1 else { return false }
            result = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        if result == 0 { return false }
        if errno == ECONNREFUSED { return true }
        guard errno == EINPROGRESS else { return false }
        // Loopback answers a connect in microseconds; 20 ms is a bound, not a wait.
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&p, 1, 20) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return false }
        return error == ECONNREFUSED
    }
}

import FeedbackLoop
import Foundation

/// Another process holds the state directory: who, since when, and how long we waited.
public struct CycleLockBusy: Error, CustomStringConvertible, Sendable {
    public var directory: String
    /// What the holder wrote into the lock file: "PID 123 (consciousness daemon) since …".
    public var holder: String
    public var waited: Duration

    public var description: String {
        "state directory \(directory) is busy: a cycle is running in \(holder); waited \(Int(waited.components.seconds)) s"
    }
}

/// One writer at a time on a state directory: an exclusive flock(2) on `cycle.lock`,
/// held from reading the log registry to the last commit of a cycle. flock, not a PID
/// file: the kernel releases it when the holder dies, even by SIGKILL, so a crash never
/// leaves a stale lock. The holder writes who it is into the file for the next one to
/// name. Released when the value is dropped.
public final class CycleLock: Sendable {
    let fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)  // closing the last descriptor releases the lock
    }

    /// Takes the lock, retrying every 50 ms for up to `wait`; then throws
    /// `CycleLockBusy` naming the holder. Cancellation ends the wait.
    public static func acquire(directory: String, holder: String, wait: Duration,
                               now: @Sendable () -> Microseconds) async throws -> CycleLock {
        let path = (directory as NSString).appendingPathComponent("cycle.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StateStoreError(path: path, reason: "cannot open the cycle lock (\(String(cString: strerror(errno))))")
        }
        let clock = ContinuousClock()
        let start = clock.now
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            guard e == EWOULDBLOCK || e == EINTR else {
                close(fd)
                throw StateStoreError(path: path, reason: "cannot lock (\(String(cString: strerror(e))))")
            }
            if clock.now - start >= wait {
                let busy = CycleLockBusy(directory: directory, holder: Self.holder(fd), waited: clock.now - start)
                close(fd)
                throw busy
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch {
                close(fd)
                throw error
            }
        }
        let text = "PID \(getpid()) (\(holder)) since \(Timestamp.iso8601(now()))\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return CycleLock(fd: fd, path: path)
    }

    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        if !text.isEmpty { return text }
        // Locked, but not yet written to (or stopped in between): ask the kernel, as
        // lslocks does, which process holds a lock on this file.
        var st = stat()
        guard fstat(fd, &st) == 0, let pid = lockHolder(inode: UInt64(st.st_ino)) else {
            return "another process (it has not said which yet)"
        }
        let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?
            .split(separator: "\0").prefix(2).map { ($0 as NSString).lastPathComponent }.joined(separator: " ")
        return "PID \(pid) (\(cmdline.map { $0.isEmpty ? "unknown" : $0 } ?? "unknown"))"
    }

    /// The PID holding a FLOCK on the file with this inode, from /proc/locks
    /// (`1: FLOCK  ADVISORY  WRITE 4121 08:01:1234567 0 EOF`).
    private static func lockHolder(inode: UInt64) -> Int32? {
        guard let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        for line in locks.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[1] == "FLOCK", let pid = Int32(f[4]),
                  f[5].split(separator: ":").last.flatMap({ UInt64($0) }) == inode else { continue }
            return pid
        }
        return nil
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Recorded inputs for the doctor, in a fresh temporary directory: /proc files, a
/// stand-in systemctl, logs of every kind.
struct Recorded {
    let dir = NSTemporaryDirectory() + "cc-doctor-" + UUID().uuidString

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// A root whose `proc/meminfo` says `totalGB` of memory, most of it available.
    func procRoot(totalGB: Int64) throws -> String {
        let root = dir + "/root-\(totalGB)"
        try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        let kB = totalGB * 1_000_000
        try "MemTotal: \(kB) kB\nMemFree: \(kB * 9 / 10) kB\nMemAvailable: \(kB * 9 / 10) kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n"
            .write(toFile: root + "/proc/meminfo", atomically: true, encoding: .utf8)
        return root
    }

    /// An executable script standing in for systemctl: it prints `stdout` and `stderr`
    /// and exits with `status`.
    func systemctl(stdout: String = "", stderr: String = "", status: Int32 = 0) throws -> String {
        let path = dir + "/systemctl-\(UUID().uuidString)"
        let script = "#!/bin/sh\ncat <<'EOF'\n\(stdout)\nEOF\ncat >&2 <<'EOF'\n\(stderr)\nEOF\nexit \(status)\n"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// What `systemctl show` says of a healthy unit.
    static let healthyUnit = "LoadState=loaded\nUnitFileState=enabled\nActiveState=active\nWatchdogUSec=1min"

    /// A file at `name` holding `text`.
    func file(_ name: String, _ text: String = "") throws -> String {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A FIFO at `name`: a log nobody writes, which an open would wait on for ever.
    func fifo(_ name: String) throws -> String {
        let path = dir + "/" + name
        guard mkfifo(path, 0o644) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return path
    }

    func directory(_ name: String) throws -> String {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

import Foundation

/// A file replaced whole, so that a reader sees the old content or the new, never half
/// of either: a hidden temporary file in the same directory (same filesystem), then
/// rename(2). node_exporter's textfile collector reads `*.prom` at any instant and
/// ignores the temporary (it does not end in `.prom`). In two steps — `stage` writes the
/// temporary, `commit` renames it — so a cycle can put its files in place only once it
/// is recorded.
///
/// No fsync: these files (reports, metrics) are made again from the store every cycle,
/// which is the durable record. Foundation's atomic write syncs, and that cost 4 ms of a
/// 30 ms incremental cycle.
public struct ReplacedFile: Sendable {
    public let path: String
    let temporary: String

    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try stage(text, to: path, mode: mode).commit()
    }

    /// Writes the new content beside `path`, not yet in its place.
    public static func stage(_ text: String, to path: String, mode: mode_t = 0o644) throws -> ReplacedFile {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temporary = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(temporary) }
        // Readable by a collector that runs as another user, whatever the umask.
        _ = fchmod(fd, mode)
        let written = Array(text.utf8).withUnsafeBytes { bytes -> Bool in
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        let error = written ? nil : failure(temporary)
        close(fd)
        if let error {
            unlink(temporary)
            throw error
        }
        return ReplacedFile(path: path, temporary: temporary)
    }

    /// Puts the new content in place.
    public func commit() throws {
        guard rename(temporary, path) == 0 else {
            let error = Self.failure(path)
            discard()
            throw error
        }
    }

    public func discard() { unlink(temporary) }

    private static func failure(_ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                NSLocalizedDescriptionKey: "\(path): \(String(cString: strerror(errno)))"])
    }
}

/// The metrics file's default place.
public enum MetricsFile {
    public static func write(_ text: String, to path: String) throws { try ReplacedFile.write(text, to: path) }

    public static func defaultPath(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("consciousness.prom")
    }
}

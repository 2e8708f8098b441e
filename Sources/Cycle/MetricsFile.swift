import Foundation

/// Writes a file so that a reader sees the old content or the new, never half of
/// either: a temporary file in the same directory (same filesystem), then rename(2).
/// node_exporter's textfile collector reads `*.prom` at any instant, and ignores the
/// temporary (it does not end in `.prom`).
public enum MetricsFile {
    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temporary = (dir as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        // Readable by the collector, which runs as another user.
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: reason])
        }
    }

    public static func defaultPath(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("consciousness.prom")
    }
}

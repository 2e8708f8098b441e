import Foundation

/// Where rotated generations of a log lie: beside it as `NAME.1`, `NAME.2`, `NAME-20261202`,
/// `NAME.old` (logrotate's names, with and without `dateext`), and wherever a
/// configured ROTATED_GLOB points. Compressed generations cannot be read line by line
/// and are left out; so is the live file itself.
enum RotatedSiblings {
    static let compressed = [".gz", ".xz", ".bz2", ".zst", ".lz4", ".Z", ".zip"]
    /// A directory of thousands of old generations must not make a cycle slow: the
    /// newest ones are the ones that can hold unread lines.
    static let limit = 32

    static func find(livePath: String, glob extra: String?) -> [String] {
        let dir = (livePath as NSString).deletingLastPathComponent
        let name = (livePath as NSString).lastPathComponent
        var paths = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { ($0.hasPrefix(name + ".") || $0.hasPrefix(name + "-")) && !compressed.contains(where: $0.hasSuffix) }
            .map { (dir as NSString).appendingPathComponent($0) }
        if let extra { paths += glob(extra).filter { !compressed.contains(where: $0.hasSuffix) } }
        var seen = Set<String>()
        return paths.filter { $0 != livePath && seen.insert($0).inserted }
    }

    /// Opens the candidates that are regular files and not the live file, newest first.
    static func open(_ paths: [String], live: LogFile) -> [SeenFile] {
        let files = paths.compactMap { p -> SeenFile? in
            guard let f = try? LogFile(path: p), !(f.device == live.device && f.inode == live.inode),
                  let fp = try? f.fingerprint() else { return nil }
            return SeenFile(path: p, file: f, fingerprint: fp)
        }
        return Array(files.sorted { $0.file.modified > $1.file.modified }.prefix(limit))
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}

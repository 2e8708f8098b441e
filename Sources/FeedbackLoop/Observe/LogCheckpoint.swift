/// How far one log file has been read — the live log, or a rotated generation of it —
/// tracked by its fingerprint, with where it was last seen. The store keeps one per
/// file ever read from (its registry, as Filebeat's); a cycle resumes each at `offset`.
public struct LogCheckpoint: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable {
        /// The file under the log's path when it was last read.
        case live
        /// A former live file, renamed or copied aside by rotation.
        case rotated
        /// No longer found; kept so that its identity is never read twice.
        case gone
    }

    /// The store's id; nil for a file seen for the first time this cycle.
    public var id: Int64?
    public var fingerprint: LogFingerprint
    /// Canonical path where it was last seen.
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    /// Byte offset just past the last complete line folded into the store.
    public var offset: Int64
    /// Lines consumed up to `offset` (for line numbers in malformed-line reports).
    public var lines: Int64
    /// Its size and modification time when last read: a rotated file written after
    /// that is a generation this store has not seen yet.
    public var sizeSeen: Int64
    public var modifiedSeen: Int64
    public var role: Role

    public init(id: Int64? = nil, fingerprint: LogFingerprint, path: String, device: UInt64, inode: UInt64,
                offset: Int64, lines: Int64, sizeSeen: Int64, modifiedSeen: Int64, role: Role) {
        self.id = id
        self.fingerprint = fingerprint
        self.path = path
        self.device = device
        self.inode = inode
        self.offset = offset
        self.lines = lines
        self.sizeSeen = sizeSeen
        self.modifiedSeen = modifiedSeen
        self.role = role
    }

    func isFile(_ f: LogFile) -> Bool { device == f.device && inode == f.inode }
}

/// Where this cycle starts reading the live log, and why.
public enum ResumePoint: Sendable, Equatable {
    case resume(offset: Int64, lines: Int64)
    case restart(RestartReason)

    public var offset: Int64 { if case .resume(let o, _) = self { o } else { 0 } }
    public var lines: Int64 { if case .resume(_, let l) = self { l } else { 0 } }
}

public enum RestartReason: String, Sendable, Codable {
    /// The store has read no log yet.
    case firstRead = "first_read"
    /// A new file under the log's path; the old one was drained or reported lost.
    case rotated
    /// The file was truncated in place (copytruncate) and written again.
    case truncated
    /// The file was rewritten in place: same first line, different content.
    case replaced
    /// A log this store has not read before, at another path.
    case newPath = "new_path"
}

/// How far the log has been read: enough to resume after the last complete line and
/// to notice when the file under the path is no longer the file that was read.
public struct LogCheckpoint: Sendable, Equatable, Codable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    /// Byte offset just past the last complete line folded into the store.
    public var offset: Int64
    /// Lines consumed up to `offset` (for line numbers in malformed-line reports).
    public var lines: Int64
    public var headLength: Int
    public var headHash: UInt64

    public init(path: String, device: UInt64, inode: UInt64, offset: Int64, lines: Int64,
                headLength: Int, headHash: UInt64) {
        self.path = path
        self.device = device
        self.inode = inode
        self.offset = offset
        self.lines = lines
        self.headLength = headLength
        self.headHash = headHash
    }
}

/// Where this cycle starts reading, and why.
public enum ResumePoint: Sendable, Equatable {
    case resume(offset: Int64, lines: Int64)
    case restart(RestartReason)

    public var offset: Int64 { if case .resume(let o, _) = self { o } else { 0 } }
    public var lines: Int64 { if case .resume(_, let l) = self { l } else { 0 } }
}

public enum RestartReason: String, Sendable, Codable {
    case firstRead = "first_read"
    case rotated
    case truncated
    case replaced
    case newPath = "new_path"
}

extension LogCheckpoint {
    /// Decides where to read `file` from. Rotation shows as a new inode, truncation as
    /// a size below the offset, and a file rewritten in place as a changed first line;
    /// each means the file is new to us and is read from its start.
    public static func resumePoint(_ checkpoint: LogCheckpoint?, for file: LogFile) throws(LogFileError) -> ResumePoint {
        guard let c = checkpoint else { return .restart(.firstRead) }
        guard c.path == file.path else { return .restart(.newPath) }
        guard c.inode == file.inode, c.device == file.device else { return .restart(.rotated) }
        guard file.size >= c.offset else { return .restart(.truncated) }
        if c.offset > 0 {
            let head = try file.headFingerprint(length: c.headLength)
            guard head.length == c.headLength, head.hash == c.headHash else { return .restart(.replaced) }
        }
        return .resume(offset: c.offset, lines: c.lines)
    }
}

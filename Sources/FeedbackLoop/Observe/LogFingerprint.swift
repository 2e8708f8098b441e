/// What identifies a log file across renames, copies and new inodes: its first line
/// (up to 4 KiB), as log shippers do (Vector's `file` source checksums the first
/// line; Filebeat's fingerprint reads the file's first bytes). A path can be spelled
/// many ways and an inode changes with every `sed -i` or editor save; the first line of
/// a log that is only ever appended to does not.
public struct LogFingerprint: Sendable, Hashable, Codable {
    static let maxBytes = 4096
    /// How much of the first line `head` keeps, to name a file in a report.
    static let shownBytes = 256

    public var length: Int
    public var hash: UInt64
    /// The first bytes of the first line, for people: not part of the identity.
    public var head: String

    public init(length: Int, hash: UInt64, head: String = "") {
        self.length = length
        self.hash = hash
        self.head = head
    }

    public static func == (a: Self, b: Self) -> Bool { a.length == b.length && a.hash == b.hash }
    public func hash(into h: inout Hasher) {
        h.combine(length)
        h.combine(hash)
    }
}

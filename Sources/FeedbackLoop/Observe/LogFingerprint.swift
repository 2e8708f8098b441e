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

    /// The first line's hash, as stored in the registry: it must never change, or
    /// every known log would look like a new file after an upgrade. (Eight bytes a
    /// step, each word folded in by a multiply–xorshift, then a murmur finalizer.)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            while i + 8 <= n {
                h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

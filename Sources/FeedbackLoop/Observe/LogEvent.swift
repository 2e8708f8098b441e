/// Something that happened to the log between two cycles and changed how it was
/// read: a rotation drained, a copytruncate detected, a file rewritten, a tail lost.
/// Every one reaches the report, the journal and the metrics — nothing is silent.
public struct LogEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The live file was renamed aside (or a generation rotated before this store
        /// saw it); its unread lines were read from where it now lies.
        case rotated
        /// The live file was truncated in place after being copied; the copy's unread
        /// lines were read. Lines written between the copy and the truncation are
        /// beyond anyone's reach.
        case copytruncate
        /// A file with unread lines could not be found: they are lost, amount unknown.
        case lost
        /// The file was rewritten in place under the same first line (an edit); its
        /// old content is taken as read, so nothing is counted twice.
        case replaced
    }

    public var kind: Kind
    /// The file concerned: where the drained file lies, or where the lost one was.
    public var path: String
    public var detail: String
    public var bytesRead: Int64 = 0
    /// Bytes known to be lost; nil where nobody can know (the file is gone).
    public var bytesLost: Int64?
    /// The first bytes of the file's first line, to tell which file it was.
    public var head: String

    public init(kind: Kind, path: String, detail: String, bytesRead: Int64 = 0, bytesLost: Int64? = nil, head: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
        self.bytesRead = bytesRead
        self.bytesLost = bytesLost
        self.head = head
    }

    /// One line for a report or the journal.
    public var summary: String {
        switch kind {
        case .rotated: "rotated: read \(bytesRead) unread byte(s) of \(path) — \(detail)"
        case .copytruncate: "copytruncate: \(detail); read \(bytesRead) byte(s) from the copy \(path)"
        case .lost: "LOST: \(detail)"
        case .replaced: "rewritten in place: \(detail)"
        }
    }
}

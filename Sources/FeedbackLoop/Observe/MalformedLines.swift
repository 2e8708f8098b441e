/// Why a line of the violations log was skipped. Every skipped line is counted under
/// exactly one reason, so `ingested + malformed + blank == lines read` always holds.
public enum MalformedReason: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case invalidJSON = "invalid_json"
    case missingField = "missing_field"
    case wrongType = "wrong_type"
    case badTimestamp = "bad_timestamp"
    case invalidUTF8 = "invalid_utf8"
    case lineTooLong = "line_too_long"
    case outOfRange = "out_of_range"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var explanation: String {
        switch self {
        case .invalidJSON: "not a JSON object"
        case .missingField: "no timestamp, function or error"
        case .wrongType: "a field that is not a string"
        case .badTimestamp: "timestamp not ISO 8601, or impossible"
        case .invalidUTF8: "bytes that are not UTF-8"
        case .lineTooLong: "longer than 64 KiB"
        case .outOfRange: "dated before 2000 or more than a day ahead"
        }
    }
}

/// Counts of skipped lines per reason, with the first few line numbers of each so a
/// person can open the log at the right place.
public struct MalformedTally: Sendable, Equatable, Codable {
    public static let keptLineNumbers = 5

    public struct Entry: Sendable, Equatable, Codable {
        public var count: Int = 0
        public var firstLines: [Int64] = []
    }

    public private(set) var entries: [MalformedReason: Entry] = [:]

    public init() {}

    // Coded by the reasons' names, the same text: a dictionary keyed by the enum makes
    // the runtime ask whether its key type is `CodingKeyRepresentable`, a search through
    // every conformance record in the binary (~0.2 ms of a one-shot `cycle`, `perf`).
    private enum CodingKeys: String, CodingKey { case entries }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for (name, entry) in try c.decode([String: Entry].self, forKey: .entries) {
            guard let reason = MalformedReason(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .entries, in: c,
                                                       debugDescription: "no malformed-line reason is named '\(name)'")
            }
            entries[reason] = entry
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([String: Entry](uniqueKeysWithValues: entries.map { ($0.key.rawValue, $0.value) }), forKey: .entries)
    }

    public var total: Int { entries.values.reduce(0) { $0 + $1.count } }

    public mutating func record(_ reason: MalformedReason, line: Int64) {
        var e = entries[reason, default: Entry()]
        e.count += 1
        if e.firstLines.count < Self.keptLineNumbers { e.firstLines.append(line) }
        entries[reason] = e
    }

    /// Adds another tally whose line numbers come after this one's (a later part of the
    /// same file, or a later cycle).
    public mutating func append(_ other: MalformedTally, lineOffset: Int64 = 0) {
        for (reason, o) in other.entries {
            var e = entries[reason, default: Entry()]
            e.count += o.count
            for line in o.firstLines where e.firstLines.count < Self.keptLineNumbers {
                e.firstLines.append(line + lineOffset)
            }
            entries[reason] = e
        }
    }
}

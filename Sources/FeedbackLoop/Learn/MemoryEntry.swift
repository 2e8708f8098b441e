/// One thing the vector memory holds: a pattern seen, a proposal made, or a learning
/// (a trend that turned, a decision a person took).
public struct MemoryEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case pattern, proposal, learning
    }

    public var kind: Kind
    /// Unique within its kind: a pattern's entry is updated, never duplicated.
    public var key: String
    public var text: String
    public var tags: [String]
    /// Facts that change from cycle to cycle (counts, trend, model error), as JSON.
    public var evidence: [String: Double]
    public var note: String?

    public init(kind: Kind, key: String, text: String, tags: [String], evidence: [String: Double] = [:], note: String? = nil) {
        self.kind = kind
        self.key = key
        self.text = text
        self.tags = tags
        self.evidence = evidence
        self.note = note
    }
}

/// An entry found by a search, with its cosine similarity to the query.
public struct MemoryHit: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: MemoryEntry.Kind
    public var key: String
    public var text: String
    public var similarity: Double
    public var evidence: [String: Double]

    public init(id: Int64, kind: MemoryEntry.Kind, key: String, text: String, similarity: Double,
                evidence: [String: Double]) {
        self.id = id
        self.kind = kind
        self.key = key
        self.text = text
        self.similarity = similarity
        self.evidence = evidence
    }
}

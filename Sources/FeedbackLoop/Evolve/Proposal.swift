/// An evolution proposal for one agent: text a person may add to the agent's delta
/// file. Proposals are only ever stored as pending here; nothing applies them.
public struct Proposal: Sendable, Equatable, Codable {
    public struct Evidence: Sendable, Equatable, Codable {
        public var patternID: String
        public var function: String
        public var frequency: Int64
        public var trend: Trend
        public var articles: [String]

        enum CodingKeys: String, CodingKey {
            case patternID = "pattern_id", function, frequency, trend, articles
        }
    }

    public var agent: String
    public var confidence: Double
    public var rationale: String
    public var evidence: [Evidence]
    /// The Markdown to append to `targetFile`.
    public var markdown: String
    public var targetFile: String { ".claude/agents/\(agent)-delta.md" }
    /// Who wrote `markdown`: "template", or the Builder's model when its draft passed.
    public var author: String
    /// Why the template stands when a model was asked (nil otherwise).
    public var authorNote: String?
    /// The memory entries the proposal drew on (given to the Builder and listed in
    /// the template), by id.
    public var recalled: [Recalled] = []
    /// When a model's draft stands: the template it replaced (for the diff a person is
    /// shown) and the grounding checks it passed.
    public var template: String?
    public var checksPassed: [DraftGrounding.Check] = []

    public struct Recalled: Sendable, Equatable, Codable {
        public var id: Int64
        public var kind: MemoryEntry.Kind
        public var key: String
        public var similarity: Double

        public init(_ h: MemoryHit) {
            id = h.id
            kind = h.kind
            key = h.key
            similarity = h.similarity
        }
    }

    enum CodingKeys: String, CodingKey {
        case agent, confidence, rationale, evidence, markdown, author, recalled
        case authorNote = "author_note"
        case targetFile = "target_file"
        case template, checksPassed = "checks_passed"
    }

    public init(agent: String, confidence: Double, rationale: String, evidence: [Evidence],
                markdown: String, author: String) {
        self.agent = agent
        self.confidence = confidence
        self.rationale = rationale
        self.evidence = evidence
        self.markdown = markdown
        self.author = author
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        agent = try c.decode(String.self, forKey: .agent)
        confidence = try c.decode(Double.self, forKey: .confidence)
        rationale = try c.decode(String.self, forKey: .rationale)
        evidence = try c.decode([Evidence].self, forKey: .evidence)
        markdown = try c.decode(String.self, forKey: .markdown)
        author = try c.decode(String.self, forKey: .author)
        authorNote = try c.decodeIfPresent(String.self, forKey: .authorNote)
        recalled = try c.decodeIfPresent([Recalled].self, forKey: .recalled) ?? []
        template = try c.decodeIfPresent(String.self, forKey: .template)
        checksPassed = try c.decodeIfPresent([DraftGrounding.Check].self, forKey: .checksPassed) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agent, forKey: .agent)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(rationale, forKey: .rationale)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(markdown, forKey: .markdown)
        try c.encode(author, forKey: .author)
        try c.encodeIfPresent(authorNote, forKey: .authorNote)
        try c.encode(recalled, forKey: .recalled)
        try c.encode(targetFile, forKey: .targetFile)
        try c.encodeIfPresent(template, forKey: .template)
        if !checksPassed.isEmpty { try c.encode(checksPassed, forKey: .checksPassed) }
    }
}

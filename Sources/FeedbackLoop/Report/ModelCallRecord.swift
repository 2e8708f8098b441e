/// One call a model stage made (or tried to make) during a cycle: which role and
/// model, what it cost, and whether its answer was used or a fallback replaced it.
public struct ModelCallRecord: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// The model answered and its answer passed validation.
        case used
        /// The call failed, was refused, or its answer was invalid; the rule or
        /// template result stands in, and `fallbackReason` says why.
        case fallback
    }

    /// "controller", "builder", "architect" or "embedder".
    public var role: String
    public var model: String
    /// The cycle stage that made the call ("analyze", "learn", "evolve", "morning").
    public var stage: String
    public var outcome: Outcome
    public var fallbackReason: String?
    /// Seconds the model took to load for this call (0 when it was resident).
    public var loadSeconds: Double
    public var latencySeconds: Double
    public var promptTokens: Int
    public var outputTokens: Int
    public var tokensPerSecond: Double
    /// Prompt tokens over `numCtx`.
    public var contextUse: Double
    /// The context size the governor's lease granted (0 when no lease was granted).
    public var numCtx: Int

    public init(role: String, model: String, stage: String, outcome: Outcome, fallbackReason: String? = nil,
                loadSeconds: Double = 0, latencySeconds: Double = 0, promptTokens: Int = 0, outputTokens: Int = 0,
                tokensPerSecond: Double = 0, contextUse: Double = 0, numCtx: Int = 0) {
        self.role = role
        self.model = model
        self.stage = stage
        self.outcome = outcome
        self.fallbackReason = fallbackReason
        self.loadSeconds = loadSeconds
        self.latencySeconds = latencySeconds
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.tokensPerSecond = tokensPerSecond
        self.contextUse = contextUse
        self.numCtx = numCtx
    }
}

extension ModelCallRecord {
    /// One line for a report: what it cost, or why it fell back.
    public var line: String {
        let head = "\(role) (\(model)), \(stage)"
        if let why = fallbackReason { return "\(head): fell back — \(why)" }
        return "\(head): \(Format.fixed(latencySeconds * 1000, 0)) ms, load \(Format.fixed(loadSeconds, 2)) s, "
            + "\(Format.fixed(tokensPerSecond, 0)) tokens/s, context \(Format.percent(contextUse)) of \(numCtx)"
    }
}

extension Proposal {
    /// Who wrote the Markdown, and which memory entries it drew on.
    public var provenance: String {
        var s = author == "template" ? "template" : "drafted by \(author)"
        if let note = authorNote, author == "template" { s += " (\(note))" }
        if !recalled.isEmpty { s += "; recalled " + recalled.map { "\($0.kind.rawValue) \($0.id)" }.joined(separator: ", ") }
        return s
    }
}

/// The vector memory after a cycle's Learn stage.
public struct MemoryGrowth: Sendable, Equatable, Codable {
    /// Entries and bytes (text + vectors) held after the stage.
    public var entries: Int64
    public var bytes: Int64
    /// Entries this cycle created, and existing entries whose evidence it updated.
    public var added: Int64
    public var updated: Int64
    /// The embedder that made this cycle's vectors ("ollama:all-minilm" or "hashed-ngrams-256").
    public var embedder: String

    public var line: String {
        "\(entries) entries (\(added) new, \(updated) updated), \(Format.bytes(bytes)), embedder \(embedder)"
    }

    public init(entries: Int64, bytes: Int64, added: Int64, updated: Int64, embedder: String) {
        self.entries = entries
        self.bytes = bytes
        self.added = added
        self.updated = updated
        self.embedder = embedder
    }
}

/// Calls of one model in one role, summed up: what the metrics file and the morning
/// report both show per model.
public struct ModelUsage: Sendable, Equatable, Codable {
    public var model: String
    public var role: String
    public var calls: Int
    public var fallbacks: Int
    public var meanLoadSeconds: Double
    public var maxLoadSeconds: Double
    public var meanLatencySeconds: Double
    public var medianLatencySeconds: Double
    /// Mean over calls that produced tokens; nil when none did.
    public var tokensPerSecond: Double?

    /// One entry per (model, role), sorted by role, then model.
    public static func of(_ calls: [ModelCallRecord]) -> [ModelUsage] {
        Dictionary(grouping: calls) { "\($0.role)\u{0}\($0.model)" }.sorted { $0.key < $1.key }.map { _, c in
            let loads = c.map(\.loadSeconds), latencies = c.map(\.latencySeconds).sorted()
            let speeds = c.filter { $0.outputTokens > 0 && $0.tokensPerSecond > 0 }.map(\.tokensPerSecond)
            let mid = latencies.count / 2
            return ModelUsage(
                model: c[0].model, role: c[0].role, calls: c.count, fallbacks: c.filter { $0.outcome == .fallback }.count,
                meanLoadSeconds: loads.reduce(0, +) / Double(c.count), maxLoadSeconds: loads.max() ?? 0,
                meanLatencySeconds: latencies.reduce(0, +) / Double(c.count),
                medianLatencySeconds: latencies.count % 2 == 1 ? latencies[mid] : (latencies[mid - 1] + latencies[mid]) / 2,
                tokensPerSecond: speeds.isEmpty ? nil : speeds.reduce(0, +) / Double(speeds.count))
        }
    }
}

extension ModelUsage {
    /// Morning reports stored before the mean latency was kept decode with 0 there.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        role = try c.decode(String.self, forKey: .role)
        calls = try c.decode(Int.self, forKey: .calls)
        fallbacks = try c.decode(Int.self, forKey: .fallbacks)
        meanLoadSeconds = try c.decode(Double.self, forKey: .meanLoadSeconds)
        maxLoadSeconds = try c.decode(Double.self, forKey: .maxLoadSeconds)
        meanLatencySeconds = try c.decodeIfPresent(Double.self, forKey: .meanLatencySeconds) ?? 0
        medianLatencySeconds = try c.decode(Double.self, forKey: .medianLatencySeconds)
        tokensPerSecond = try c.decodeIfPresent(Double.self, forKey: .tokensPerSecond)
    }
}

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
    /// The stage that made the call (classify, learn, evolve, morning).
    public var stage: Stage
    public var outcome: Outcome
    public var fallbackReason: String?
    /// What the call cost, as the client measured it (zeros when no call was made).
    public var metrics: CallMetrics
    /// The context size the governor's lease granted (0 when no lease was granted).
    public var numCtx: Int

    public var model: String { metrics.model }
    public var loadSeconds: Double { metrics.loadSeconds }
    public var latencySeconds: Double { metrics.latencySeconds }
    public var promptTokens: Int { metrics.promptTokens }
    public var outputTokens: Int { metrics.outputTokens }
    public var tokensPerSecond: Double { metrics.tokensPerSecond }
    public var contextUse: Double { metrics.contextUse }

    public init(role: String, model: String, stage: Stage, outcome: Outcome, fallbackReason: String? = nil,
                metrics: CallMetrics? = nil, numCtx: Int = 0) {
        self.role = role
        self.stage = stage
        self.outcome = outcome
        self.fallbackReason = fallbackReason
        self.metrics = metrics ?? CallMetrics(model: model)
        self.numCtx = numCtx
    }

    // One flat JSON object, as reports have always stored it: the metrics' keys beside
    // the call's own.
    enum CodingKeys: String, CodingKey { case role, stage, outcome, fallbackReason, numCtx }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        role = try c.decode(String.self, forKey: .role)
        stage = try c.decode(Stage.self, forKey: .stage)
        outcome = try c.decode(Outcome.self, forKey: .outcome)
        fallbackReason = try c.decodeIfPresent(String.self, forKey: .fallbackReason)
        numCtx = try c.decodeIfPresent(Int.self, forKey: .numCtx) ?? 0
        metrics = try CallMetrics(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try metrics.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encode(stage, forKey: .stage)
        try c.encode(outcome, forKey: .outcome)
        try c.encodeIfPresent(fallbackReason, forKey: .fallbackReason)
        try c.encode(numCtx, forKey: .numCtx)
    }
}

/// What one model call cost: load, latency, tokens, speed, how full its context was.
public struct CallMetrics: Sendable, Equatable, Codable {
    public var model: String
    public var loadSeconds: Double
    public var latencySeconds: Double
    public var promptTokens: Int
    public var outputTokens: Int
    public var tokensPerSecond: Double
    /// Prompt tokens / num_ctx: how full the context was.
    public var contextUse: Double
    /// True when the answer came from `ollama-sim` (its `X-Ollama-Simulator` header),
    /// not from a model; nil (absent) otherwise, as in reports written before.
    public var simulated: Bool?

    public init(model: String, loadSeconds: Double = 0, latencySeconds: Double = 0, promptTokens: Int = 0,
                outputTokens: Int = 0, tokensPerSecond: Double = 0, contextUse: Double = 0, simulated: Bool = false) {
        self.simulated = simulated ? true : nil
        self.model = model
        self.loadSeconds = loadSeconds
        self.latencySeconds = latencySeconds
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.tokensPerSecond = tokensPerSecond
        self.contextUse = contextUse
    }
}

extension ModelCallRecord {
    /// One line for a report: what it cost, or why it fell back.
    public var line: String {
        let head = "\(role) (\(modelShown)), \(stage)"
        if let why = fallbackReason { return "\(head): fell back — \(why)" }
        return "\(head): \(Format.fixed(latencySeconds * 1000, 0)) ms, load \(Format.fixed(loadSeconds, 2)) s, "
            + "\(speed), context \(Format.percent(contextUse)) of \(numCtx)"
    }

    /// The model's name, marked when the simulator answered.
    public var modelShown: String { metrics.simulated == true ? "\(model), simulated" : model }

    /// The figure that means something for the role: a generating model's output speed,
    /// an embedder's input (it generates nothing, so tokens a second would read 0).
    public var speed: String {
        outputTokens == 0 && promptTokens > 0 ? "\(Format.group(Int64(promptTokens))) input tokens"
            : "\(Format.fixed(tokensPerSecond, 1)) tokens/s"
    }
}

extension Proposal {
    /// Who wrote the Markdown, and which memory entries it drew on.
    public var provenance: String {
        var s = author == "template" ? "template" : "drafted by \(author)"
        if let note = authorNote, author == "template" { s += " (\(note))" }
        if !recalled.isEmpty { s += "; recalled " + recalled.map { "\($0.kind.rawValue) \($0.key) (similarity \(Format.fixed($0.similarity, 2)))" }.joined(separator: ", ") }
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
    /// Input tokens of calls that generate nothing (an embedder's), nil when none.
    public var inputTokens: Int? = nil

    /// The figure that means something for the role: generation speed, or the input an
    /// embedder read.
    public var speed: String {
        if let t = tokensPerSecond { return "\(Format.fixed(t, 1)) tokens/s" }
        return inputTokens.map { "\(Format.group(Int64($0))) input tokens" } ?? "no tokens generated"
    }

    /// One entry per (model, role), sorted by role, then model.
    public static func of(_ calls: [ModelCallRecord]) -> [ModelUsage] {
        Dictionary(grouping: calls) { "\($0.role)\u{0}\($0.modelShown)" }.sorted { $0.key < $1.key }.map { _, c in
            let loads = c.map(\.loadSeconds), latencies = c.map(\.latencySeconds).sorted()
            let speeds = c.filter { $0.outputTokens > 0 && $0.tokensPerSecond > 0 }.map(\.tokensPerSecond)
            let mid = latencies.count / 2
            let input = c.filter { $0.outputTokens == 0 }.reduce(0) { $0 + $1.promptTokens }
            return ModelUsage(
                model: c[0].modelShown, role: c[0].role, calls: c.count, fallbacks: c.filter { $0.outcome == .fallback }.count,
                meanLoadSeconds: loads.reduce(0, +) / Double(c.count), maxLoadSeconds: loads.max() ?? 0,
                meanLatencySeconds: latencies.reduce(0, +) / Double(c.count),
                medianLatencySeconds: latencies.count % 2 == 1 ? latencies[mid] : (latencies[mid - 1] + latencies[mid]) / 2,
                tokensPerSecond: speeds.isEmpty ? nil : speeds.reduce(0, +) / Double(speeds.count),
                inputTokens: speeds.isEmpty && input > 0 ? input : nil)
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
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens)
    }
}

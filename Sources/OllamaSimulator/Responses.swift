/// Response bodies in the shapes of Ollama's docs/api.md.
struct ModelDetailsBody: Encodable {
    var parentModel = ""
    var format = "gguf"
    var family: String
    var families: [String]
    var parameterSize: String
    var quantizationLevel: String

    enum CodingKeys: String, CodingKey {
        case format, family, families
        case parentModel = "parent_model"
        case parameterSize = "parameter_size"
        case quantizationLevel = "quantization_level"
    }
}

struct ListedModel: Encodable {
    var name: String
    var model: String
    var modifiedAt: String
    var size: Int64
    var digest: String
    var details: ModelDetailsBody

    enum CodingKeys: String, CodingKey {
        case name, model, size, digest, details
        case modifiedAt = "modified_at"
    }
}

struct TagsBody: Encodable {
    var models: [ListedModel]
}

struct RunningModel: Encodable {
    var name: String
    var model: String
    var size: Int64
    var digest: String
    var details: ModelDetailsBody
    var expiresAt: String
    var sizeVRAM: Int64 = 0
    var contextLength: Int

    enum CodingKeys: String, CodingKey {
        case name, model, size, digest, details
        case expiresAt = "expires_at"
        case sizeVRAM = "size_vram"
        case contextLength = "context_length"
    }
}

struct PSBody: Encodable {
    var models: [RunningModel]
}

struct ShowBody: Encodable {
    var modelfile: String
    var parameters: String
    var template: String
    var details: ModelDetailsBody
    var modelInfo: [String: JSONValue]
    var capabilities: [String]
    var modifiedAt: String

    enum CodingKeys: String, CodingKey {
        case modelfile, parameters, template, details, capabilities
        case modelInfo = "model_info"
        case modifiedAt = "modified_at"
    }
}

/// The timing fields of a final generate/chat object, in nanoseconds.
struct GenerationMetrics: Sendable {
    var totalDuration: Int64
    var loadDuration: Int64
    var promptEvalCount: Int
    var promptEvalDuration: Int64
    var evalCount: Int
    var evalDuration: Int64
}

/// One generate or chat object: a stream chunk, the final object (with the metrics),
/// or the whole non-streamed answer. The two endpoints differ in one field: generate
/// carries the text as `response`, chat as `message: {role, content}`.
struct GenerationChunk: Encodable {
    var kind: GenerationEndpoint.Kind
    var model: String
    var createdAt: String
    var text: String
    var done: Bool
    var doneReason: String?
    var metrics: GenerationMetrics?

    private struct AssistantMessage: Encodable {
        var role = "assistant"
        var content: String
    }

    enum CodingKeys: String, CodingKey {
        case model, response, message, done
        case createdAt = "created_at"
        case doneReason = "done_reason"
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(createdAt, forKey: .createdAt)
        switch kind {
        case .generate: try c.encode(text, forKey: .response)
        case .chat: try c.encode(AssistantMessage(content: text), forKey: .message)
        }
        try c.encode(done, forKey: .done)
        try c.encodeIfPresent(doneReason, forKey: .doneReason)
        guard let m = metrics else { return }
        try c.encode(m.totalDuration, forKey: .totalDuration)
        try c.encode(m.loadDuration, forKey: .loadDuration)
        try c.encode(m.promptEvalCount, forKey: .promptEvalCount)
        try c.encode(m.promptEvalDuration, forKey: .promptEvalDuration)
        try c.encode(m.evalCount, forKey: .evalCount)
        try c.encode(m.evalDuration, forKey: .evalDuration)
    }
}

struct EmbedBody: Encodable {
    var model: String
    var embeddings: [[Float]]
    var totalDuration: Int64
    var loadDuration: Int64
    var promptEvalCount: Int

    enum CodingKeys: String, CodingKey {
        case model, embeddings
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
    }
}

struct ErrorBody: Encodable {
    var error: String
}

struct VersionBody: Encodable {
    var version: String
}

struct AcknowledgementBody: Encodable {
    var ok = true
}

/// `GET /sim/state`: what tests and demos inspect over HTTP.
struct StateBody: Encodable {
    var resident: [ResidentModel]
    var loads: [String: Int]
    var requests: [String: Int]
    var faults: [FaultQueue.Rule]
    /// {loads, expired, evictedByOllama, unloadRequests, reloads}.
    var counters: SimulatorCounters
    /// Resident models whose unload was decided but has not completed.
    var unloading: [String]
    /// Loads that completed outside the watched reserve or budget, and the latest of them.
    var violations: Int
    var recentViolations: [InvariantViolation]
    /// The external hog's memory now, and MemAvailable as published.
    var hogBytes: Int64
    var memAvailableBytes: Int64
}

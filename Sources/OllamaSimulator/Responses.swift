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

/// One generate object (a stream chunk, the final object, or the whole non-streamed answer).
struct GenerateChunk: Encodable {
    var model: String
    var createdAt: String
    var response: String
    var done: Bool
    var doneReason: String?
    var totalDuration: Int64?
    var loadDuration: Int64?
    var promptEvalCount: Int?
    var promptEvalDuration: Int64?
    var evalCount: Int?
    var evalDuration: Int64?

    enum CodingKeys: String, CodingKey {
        case model, response, done
        case createdAt = "created_at"
        case doneReason = "done_reason"
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }
}

struct AssistantMessage: Encodable {
    var role = "assistant"
    var content: String
}

/// One chat object; same fields as `GenerateChunk` with `message` instead of `response`.
struct ChatChunk: Encodable {
    var model: String
    var createdAt: String
    var message: AssistantMessage
    var done: Bool
    var doneReason: String?
    var totalDuration: Int64?
    var loadDuration: Int64?
    var promptEvalCount: Int?
    var promptEvalDuration: Int64?
    var evalCount: Int?
    var evalDuration: Int64?

    enum CodingKeys: String, CodingKey {
        case model, message, done
        case createdAt = "created_at"
        case doneReason = "done_reason"
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
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
}

/// Request bodies, as lenient as Ollama: every field optional, so a missing field becomes a
/// clear 400 from the endpoint instead of an opaque decoding error.
struct GenerateRequest: Decodable {
    var model: String?
    var prompt: String?
    var system: String?
    var stream: Bool?
    var options: [String: JSONValue]?
    var keepAlive: KeepAlive?
    var format: JSONValue?

    enum CodingKeys: String, CodingKey {
        case model, prompt, system, stream, options, format
        case keepAlive = "keep_alive"
    }
}

struct ChatRequest: Decodable {
    var model: String?
    var messages: [ChatMessage]?
    var stream: Bool?
    var options: [String: JSONValue]?
    var keepAlive: KeepAlive?
    var format: JSONValue?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, options, format
        case keepAlive = "keep_alive"
    }
}

struct ChatMessage: Decodable {
    var role: String?
    var content: String?
}

struct EmbedRequest: Decodable {
    var model: String?
    var input: JSONValue?
    var options: [String: JSONValue]?
    var keepAlive: KeepAlive?

    enum CodingKeys: String, CodingKey {
        case model, input, options
        case keepAlive = "keep_alive"
    }
}

/// `/api/show` takes "model" (current) or "name" (older clients); faults read it too.
struct ModelNameRequest: Decodable {
    var model: String?
    var name: String?

    var requestedName: String? { model ?? name }
}

struct HogRequest: Decodable {
    var bytes: Int64?
}

struct FaultRequest: Decodable {
    var fault: String?
    var count: Int?
    var path: String?
    /// rate_limited: the Retry-After header's seconds.
    var retry_after: Int?
}

extension Dictionary where Key == String, Value == JSONValue {
    /// `options.num_ctx`, if it is a positive whole number.
    var contextLength: Int? {
        self["num_ctx"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
    }

    /// `options.num_predict`, if it is a positive whole number (Ollama: -1 or absent
    /// means no bound of the client's).
    var maxTokens: Int? {
        self["num_predict"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
    }
}

/// The slice of Ollama's REST API (docs/api.md) this project uses, as Codable shapes.
/// Fields Ollama may omit are optional; unknown fields are ignored.
public enum OllamaAPI {
    public struct Details: Codable, Sendable, Equatable {
        public var family: String?
        public var parameter_size: String?
        public var quantization_level: String?
    }

    public struct TagModel: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int64?
        public var details: Details?
    }

    public struct Tags: Codable, Sendable { public var models: [TagModel] }

    public struct RunningModel: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int64?
        public var size_vram: Int64?
        public var expires_at: String?
        public var context_length: Int?
    }

    public struct Running: Codable, Sendable { public var models: [RunningModel] }

    public struct ShowRequest: Codable, Sendable { public var model: String }

    public struct Show: Codable, Sendable {
        public var model_info: [String: JSONValue]?
        public var details: Details?
        public var capabilities: [String]?
    }

    public struct Message: Codable, Sendable, Equatable {
        public var role: String
        public var content: String

        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    /// `num_ctx`, and `num_predict`: the most tokens the answer may have (Ollama's
    /// api/types.go `Options.NumPredict`; reached, the answer ends with done_reason "length").
    public struct Options: Codable, Sendable {
        public var num_ctx: Int?
        public var num_predict: Int? = nil

        public init(num_ctx: Int?, num_predict: Int? = nil) {
            self.num_ctx = num_ctx
            self.num_predict = num_predict
        }
    }

    public struct ChatRequest: Codable, Sendable {
        public var model: String
        public var messages: [Message]
        public var stream: Bool
        public var options: Options?
        public var keep_alive: JSONValue?
        public var format: JSONValue?
    }

    public struct GenerateRequest: Codable, Sendable {
        public var model: String
        public var prompt: String
        public var stream: Bool
        public var options: Options?
        public var keep_alive: JSONValue?
        public var format: JSONValue?
    }

    /// A chunk of `/api/chat` or `/api/generate`; the last one has `done: true` and the metrics.
    public struct Chunk: Codable, Sendable {
        public var message: Message?
        public var response: String?
        public var done: Bool?
        public var done_reason: String?
        public var total_duration: Int64?
        public var load_duration: Int64?
        public var prompt_eval_count: Int?
        public var prompt_eval_duration: Int64?
        public var eval_count: Int?
        public var eval_duration: Int64?
        /// Set instead of the rest when Ollama fails after the answer has begun: its
        /// status is already 200, so it reports the error as one more NDJSON line
        /// (server/routes.go, `streamResponse`).
        public var error: String?
    }

    public struct EmbedRequest: Codable, Sendable {
        public var model: String
        public var input: [String]
        public var options: Options?
        public var keep_alive: JSONValue? = nil
    }

    public struct Embed: Codable, Sendable {
        public var embeddings: [[Double]]
        public var load_duration: Int64?
        public var prompt_eval_count: Int?
    }

    public struct ErrorBody: Codable, Sendable { public var error: String }
}

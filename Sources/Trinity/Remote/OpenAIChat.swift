import Foundation

/// The OpenAI chat-completions wire format (`POST /v1/chat/completions`), the part the
/// Architect uses: non-streaming, a strict JSON-schema answer, a token limit. Ollama's
/// `/v1` reads the same shapes (openai/openai.go) but limits an answer by `max_tokens`
/// only: an answer it runs past `max_completion_tokens` is caught when it comes with usage.
public enum OpenAIChat {
    /// `{"role", "content"}`: the same message as Ollama's own chat API.
    public typealias Message = OllamaAPI.Message

    public struct Request: Encodable, Sendable {
        public var model: String
        public var messages: [Message]
        /// OpenAI's limit on the answer (reasoning tokens included); `max_tokens` is
        /// refused by its newer models.
        public var max_completion_tokens: Int
        public var response_format: ResponseFormat
        public var stream = false

        public init(model: String, messages: [Message], maxTokens: Int, schema: JSONValue) {
            self.model = model
            self.messages = messages
            self.max_completion_tokens = maxTokens
            self.response_format = ResponseFormat(json_schema: .init(name: "night_plan", schema: StrictSchema.make(schema)))
        }

        /// The exact bytes sent: sorted keys, so the same night makes the same payload.
        public func encoded() -> Data {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // Strings, numbers and arrays only: encoding cannot fail.
            return (try? e.encode(self)) ?? Data()
        }
    }

    public struct ResponseFormat: Encodable, Sendable {
        public var type = "json_schema"
        public var json_schema: Schema

        public struct Schema: Encodable, Sendable {
            public var name: String
            public var schema: JSONValue
            public var strict = true
        }
    }

    /// Read as leniently as compatible servers write it: a `usage` whose counts are
    /// null or absent is no usage (booked at the worst case), not an unreadable answer.
    public struct Response: Decodable, Sendable {
        public var model: String?
        public var choices: [Choice]
        public var usage: Usage?

        enum CodingKeys: String, CodingKey { case model, choices, usage }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try? c.decodeIfPresent(String.self, forKey: .model)
            choices = try c.decode([Choice].self, forKey: .choices)
            usage = (try? c.decodeIfPresent(Usage.self, forKey: .usage)) ?? nil
        }
    }

    public struct Choice: Decodable, Sendable {
        public var message: AnswerMessage?
        public var finish_reason: String?
    }

    /// The answer: `content` is null when the model refused (`refusal` says why).
    public struct AnswerMessage: Decodable, Sendable {
        public var content: String?
        public var refusal: String?
    }

    public struct Usage: Codable, Sendable, Equatable {
        public var prompt_tokens: Int
        public var completion_tokens: Int
    }

    /// `{"error": {"message": …, "type": …, "code": …}}`.
    public struct ErrorBody: Decodable, Sendable {
        public struct Detail: Decodable, Sendable {
            public var message: String?
            public var type: String?
            public var code: String?
        }
        public var error: Detail
    }
}

/// A remote answer, with what the API says it used.
public struct RemoteCompletion: Sendable, Equatable {
    public var text: String
    /// "length": cut at `max_completion_tokens`.
    public var finishReason: String?
    /// Nil when the answer carried no `usage`: the call is booked at its worst case.
    public var usage: OpenAIChat.Usage?
    public var latencySeconds: Double
    /// 429s waited out before this answer.
    public var rateLimitedRetries: Int

    public init(text: String, finishReason: String?, usage: OpenAIChat.Usage?, latencySeconds: Double = 0, rateLimitedRetries: Int = 0) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.latencySeconds = latencySeconds
        self.rateLimitedRetries = rateLimitedRetries
    }
}

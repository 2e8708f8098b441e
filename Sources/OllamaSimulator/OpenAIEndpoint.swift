import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// `/v1/chat/completions` and `/v1/models`: the OpenAI-compatible API, as Ollama serves
/// it — the request rewritten into a native chat request, answered by the same model
/// machinery, and the answer rewritten back (Ollama: middleware/openai.go
/// `ChatMiddleware`, `ChatWriter`; openai/openai.go `FromChatRequest`, `ToChatCompletion`).
/// What Ollama does not do and a hosted API does is marked so: the API key.
struct OpenAIEndpoint: Sendable {
    let context: EndpointContext

    /// The request fields Ollama reads (openai/openai.go `ChatCompletionRequest`), plus
    /// what a hosted API reads and Ollama's struct lacks: `max_completion_tokens` (OpenAI's
    /// newer name for `max_tokens`) and the schema's `strict`.
    struct Request: Decodable {
        struct Message: Decodable {
            var role: String?
            var content: String?
        }
        struct ResponseFormat: Decodable {
            struct Schema: Decodable { var name: String?; var schema: JSONValue?; var strict: Bool? }
            var type: String?
            var json_schema: Schema?
        }
        var model: String?
        var messages: [Message]?
        var stream: Bool?
        var max_tokens: Int?
        var max_completion_tokens: Int?
        var response_format: ResponseFormat?
    }

    func chatCompletions(_ request: HTTPRequest) async -> Reply {
        let r: Request
        do { r = try JSONBody.decode(Request.self, from: request.body) } catch {
            // middleware/openai.go: a body ShouldBindJSON cannot read is 400 invalid_request_error.
            return Self.error(.badRequest, "\(error)")
        }
        // middleware/openai.go ChatMiddleware: `[] is too short - 'messages'`.
        guard let messages = r.messages, !messages.isEmpty else { return Self.error(.badRequest, "[] is too short - 'messages'") }
        guard r.stream != true else { return Self.error(.badRequest, "ollama-sim answers /v1/chat/completions without streaming only") }
        if hosted, let refused = Self.strictRefusal(r.response_format) { return refused }
        let native = GenerationEndpoint(context: context)
        let reply: Reply
        do { reply = try await native.chat(JSONBody.encode(Self.nativeRequest(r, messages, hosted: hosted))) } catch let e as HTTPError {
            return Self.error(e.status, e.message)
        } catch {
            return Self.error(.internalServerError, "\(error)")
        }
        return Self.completion(from: reply)
    }

    /// A hosted API (the simulator with a key), not Ollama: it checks the key and a
    /// strict schema, and limits the answer by `max_completion_tokens`.
    var hosted: Bool { context.configuration.apiKey != nil }

    /// A hosted API's 400 for a strict schema it cannot enforce (`StrictSchemaCheck`).
    static func strictRefusal(_ format: Request.ResponseFormat?) -> Reply? {
        guard let f = format, f.type?.lowercased() == "json_schema", let s = f.json_schema, s.strict == true,
              let problem = StrictSchemaCheck.problem(s.schema ?? .null) else { return nil }
        return error(.badRequest, "Invalid schema for response_format '\(s.name ?? "")': \(problem)")
    }

    /// openai/openai.go `FromChatRequest`: `max_tokens` → `options.num_predict` (Ollama
    /// reads no other limit: an answer asked for with `max_completion_tokens` alone runs
    /// unbounded there; a hosted API honours either); a `json_schema` response format →
    /// `format` = its schema; `json_object` → "json".
    static func nativeRequest(_ r: Request, _ messages: [Request.Message], hosted: Bool) -> NativeChat {
        var format: JSONValue?
        switch r.response_format?.type?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "json_object": format = .string("json")
        case "json_schema": format = r.response_format?.json_schema?.schema
        default: format = nil
        }
        var options: [String: JSONValue] = [:]
        if let n = (hosted ? r.max_completion_tokens : nil) ?? r.max_tokens { options["num_predict"] = .number(Double(n)) }
        return NativeChat(model: r.model ?? "", messages: messages.map { .init(role: $0.role ?? "user", content: $0.content ?? "") },
                          stream: false, options: options, format: format)
    }

    struct NativeChat: Encodable {
        struct Message: Encodable { var role: String; var content: String }
        var model: String
        var messages: [Message]
        var stream: Bool
        var options: [String: JSONValue]
        var format: JSONValue?
    }

    /// openai/openai.go `ToChatCompletion`: one choice, `finish_reason` = done_reason,
    /// usage from prompt_eval_count and eval_count, `system_fingerprint` "fp_ollama";
    /// an error status keeps its status in the OpenAI envelope (middleware/openai.go `writeError`).
    static func completion(from reply: Reply) -> Reply {
        guard case .whole(let buffer) = reply.body else { return error(.internalServerError, "unexpected stream") }
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
        guard reply.status == .ok else {
            return withFinish(error(reply.status, object["error"] as? String ?? "error"), reply)
        }
        let message = object["message"] as? [String: Any] ?? [:]
        let prompt = object["prompt_eval_count"] as? Int ?? 0
        let eval = object["eval_count"] as? Int ?? 0
        let reason = (object["done_reason"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        let body = Completion(
            id: "chatcmpl-\(Int.random(in: 0..<999))", created: Int(Date().timeIntervalSince1970),
            model: object["model"] as? String ?? "",
            choices: [.init(message: .init(role: message["role"] as? String ?? "assistant", content: message["content"] as? String ?? ""),
                            finish_reason: reason)],
            usage: .init(prompt_tokens: prompt, completion_tokens: eval, total_tokens: prompt + eval))
        return withFinish(.json(body), reply)
    }

    private static func withFinish(_ r: Reply, _ original: Reply) -> Reply {
        var r = r
        r.finish = original.finish
        return r
    }

    struct Completion: Encodable {
        struct Choice: Encodable {
            var index = 0
            var message: Message
            var finish_reason: String?

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(index, forKey: .index)
                try c.encode(message, forKey: .message)
                try c.encode(finish_reason, forKey: .finish_reason)  // null, not absent
            }
            enum CodingKeys: String, CodingKey { case index, message, finish_reason }
        }
        struct Message: Encodable { var role: String; var content: String }
        struct Usage: Encodable { var prompt_tokens: Int; var completion_tokens: Int; var total_tokens: Int }
        var id: String
        var object = "chat.completion"
        var created: Int
        var model: String
        var system_fingerprint = "fp_ollama"
        var choices: [Choice]
        var usage: Usage
    }

    /// The `no_usage` fault: the same answer without its `usage` object, as some
    /// OpenAI-compatible servers send.
    static func withoutUsage(_ reply: Reply) -> Reply {
        guard reply.status == .ok, case .whole(let buffer) = reply.body,
              var object = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] else { return reply }
        object["usage"] = nil
        var r = reply
        r.body = .whole(ByteBuffer(data: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()))
        return r
    }

    /// openai/openai.go `ListCompletion`: `{"object":"list","data":[{"id","object":"model","created","owned_by"}]}`.
    func models(_ request: HTTPRequest) -> Reply {
        struct Entry: Encodable { var id: String; var object = "model"; var created: Int; var owned_by = "library" }
        struct List: Encodable { var object = "list"; var data: [Entry] }
        return .json(List(data: context.registry.models.map { Entry(id: $0.name, created: 0) }))
    }

    /// A hosted API's key check (Ollama has none: its docs say the key is "required but
    /// ignored"). OpenAI answers a wrong key with 401 `invalid_api_key`, quoting the key it
    /// was given with its middle masked (platform.openai.com/docs/guides/error-codes:
    /// "Incorrect API key provided: sk-abc***xyz").
    /// With a key the simulator may listen off loopback (a test network's API), so the
    /// router asks it of every path, its own /sim/* controls and /api/* included.
    static func authorize(_ request: HTTPRequest, key: String?) -> Reply? {
        guard let key else { return nil }
        let given = request.head.headers.first(name: "Authorization") ?? ""
        guard given != "Bearer \(key)" else { return nil }
        let token = given.hasPrefix("Bearer ") ? String(given.dropFirst(7)) : given
        let shown = token.count > 8 ? token.prefix(3) + String(repeating: "*", count: token.count - 7) + token.suffix(4) : "***"
        return Self.error(.unauthorized, "Incorrect API key provided: \(shown). You can find your API key at https://platform.openai.com/account/api-keys.",
                          type: "invalid_request_error", code: "invalid_api_key")
    }

    /// openai/openai.go `NewError`: 400 invalid_request_error, 404 not_found_error, any
    /// other status api_error; `param` and `code` null unless a hosted API's fault sets them.
    static func error(_ status: HTTPResponseStatus, _ message: String, type: String? = nil, code: String? = nil) -> Reply {
        struct Body: Encodable {
            struct Detail: Encodable {
                var message: String
                var type: String
                var param: String?
                var code: String?
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: CodingKeys.self)
                    try c.encode(message, forKey: .message)
                    try c.encode(type, forKey: .type)
                    try c.encode(param, forKey: .param)
                    try c.encode(code, forKey: .code)
                }
                enum CodingKeys: String, CodingKey { case message, type, param, code }
            }
            var error: Detail
        }
        let kind = type ?? (status == .badRequest ? "invalid_request_error" : status == .notFound ? "not_found_error" : "api_error")
        return .json(Body(error: .init(message: message, type: kind, param: nil, code: code)), status: status)
    }
}

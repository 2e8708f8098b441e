import Foundation
import OllamaSimulator
import Testing

/// `/v1/chat/completions` and `/v1/models` as Ollama's middleware/openai.go and
/// openai/openai.go serve them, and a hosted API's refusals on top.
@Suite struct OpenAIEndpointTests {
    static let key = "sk-sim-0123456789"
    static let auth = [("Authorization", "Bearer \(key)")]

    static func chat(model: String = Harness.codestral, maxTokens: String = "", schema: Bool = true) -> String {
        let format = schema
            ? #","response_format":{"type":"json_schema","json_schema":{"name":"plan","schema":{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}}}"#
            : ""
        return #"{"model":"\#(model)","messages":[{"role":"system","content":"Answer with JSON."},{"role":"user","content":"The night: 3 violations."}]\#(maxTokens)\#(format)}"#
    }

    /// openai/openai.go ToChatCompletion: one choice, chatcmpl- id, fp_ollama, usage = prompt_eval_count + eval_count.
    @Test func aCompletionHasOllamasShapeAndUsage() async throws {
        try await Harness.with({ $0.apiKey = Self.key }) { sim in
            let a = try await sim.post("/v1/chat/completions", Self.chat(), headers: Self.auth)
            #expect(a.status == 200, "\(a.body)")
            let o = try a.json()
            #expect((o["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(o["object"] as? String == "chat.completion")
            #expect(o["system_fingerprint"] as? String == "fp_ollama")
            #expect(o["model"] as? String == Harness.codestral)
            let choices = o["choices"] as? [[String: Any]] ?? []
            #expect(choices.count == 1)
            let message = choices.first?["message"] as? [String: Any]
            #expect(message?["role"] as? String == "assistant")
            // json_schema → Ollama's format: the content is JSON with the schema's required key.
            let content = message?["content"] as? String ?? ""
            let answer = try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any]
            #expect(answer?["summary"] is String, "\(content)")
            #expect(choices.first?["finish_reason"] as? String == "stop")
            let usage = o["usage"] as? [String: Int] ?? [:]
            #expect((usage["prompt_tokens"] ?? 0) > 0 && (usage["completion_tokens"] ?? 0) > 0)
            #expect(usage["total_tokens"] == (usage["prompt_tokens"] ?? 0) + (usage["completion_tokens"] ?? 0))
            #expect(a.headers.first(name: "X-Ollama-Simulator") == "1")
        }
    }

    /// Ollama reads `max_tokens` alone (openai/openai.go `ChatCompletionRequest`): it cuts
    /// the answer (finish_reason "length", exactly that many tokens), and
    /// `max_completion_tokens` does not; a hosted API (keyed) honours either.
    @Test(arguments: [("max_tokens", false, true), ("max_completion_tokens", false, false),
                      ("max_tokens", true, true), ("max_completion_tokens", true, true)])
    func theTokenLimitCutsTheAnswer(field: String, hosted: Bool, cut: Bool) async throws {
        try await Harness.with({ if hosted { $0.apiKey = Self.key } }) { sim in
            let a = try await sim.post("/v1/chat/completions", Self.chat(maxTokens: #","\#(field)":2"#, schema: false),
                                       headers: hosted ? Self.auth : [])
            let o = try a.json()
            let choice = (o["choices"] as? [[String: Any]])?.first
            let completion = (o["usage"] as? [String: Int])?["completion_tokens"] ?? 0
            if cut {
                #expect(choice?["finish_reason"] as? String == "length" && completion == 2, "\(a.body)")
            } else {
                #expect(choice?["finish_reason"] as? String == "stop" && completion > 2, "\(a.body)")
            }
        }
    }

    /// A hosted API refuses a strict schema it cannot enforce before generating anything;
    /// Ollama takes any schema as its grammar.
    @Test func aStrictSchemaIsCheckedByAHostedAPIOnly() async throws {
        let loose = #"{"type":"object","properties":{"summary":{"type":"string","maxLength":50}},"required":["summary"]}"#
        let strict = #"{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"],"additionalProperties":false}"#
        func body(_ schema: String) -> String {
            #"{"model":"\#(Harness.codestral)","messages":[{"role":"user","content":"The night."}],"response_format":{"type":"json_schema","json_schema":{"name":"plan","strict":true,"schema":\#(schema)}}}"#
        }
        try await Harness.with({ $0.apiKey = Self.key }) { sim in
            let refused = try await sim.post("/v1/chat/completions", body(loose), headers: Self.auth)
            #expect(refused.status == 400 && refused.body.contains("Invalid schema for response_format 'plan'"), "\(refused.body)")
            #expect(refused.body.contains("additionalProperties"), "\(refused.body)")
            #expect(try await sim.post("/v1/chat/completions", body(strict), headers: Self.auth).status == 200)
        }
        try await Harness.with { sim in
            let ollama = try await sim.post("/v1/chat/completions", body(loose), headers: [])
            #expect(ollama.status == 200, "\(ollama.body)")
        }
    }

    /// A hosted API's key check (Ollama has none): 401 invalid_api_key without the key;
    /// the list of models with it.
    @Test func theKeyIsRequiredWhenConfigured() async throws {
        try await Harness.with({ $0.apiKey = Self.key }) { sim in
            for headers in [[], [("Authorization", "Bearer sk-wrong")]] {
                let a = try await sim.post("/v1/chat/completions", Self.chat(), headers: headers)
                #expect(a.status == 401)
                let e = try a.json()["error"] as? [String: Any]
                #expect(e?["code"] as? String == "invalid_api_key")
                #expect(e?["type"] as? String == "invalid_request_error")
            }
            let models = try await sim.get("/v1/models", headers: Self.auth)
            #expect(models.status == 200)
            let ids = (try models.json()["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains(Harness.codestral))
            #expect(try await sim.get("/v1/models").status == 401)
            // Keyed, it may listen off loopback: Ollama's own API and the controls want the key too.
            for path in ["/api/tags", "/sim/state"] {
                let without = try await sim.get(path), with = try await sim.get(path, headers: Self.auth)
                #expect(without.status == 401 && with.status == 200, "\(path): \(without.status), \(with.status)")
            }
        }
    }

    /// openai/openai.go NewError: 400 invalid_request_error, 404 not_found_error, any other api_error.
    @Test func errorsUseTheOpenAIEnvelope() async throws {
        try await Harness.with { sim in
            let missing = try await sim.post("/v1/chat/completions", Self.chat(model: "no-such:model"), headers: [])
            #expect(missing.status == 404)
            #expect((try missing.json()["error"] as? [String: Any])?["type"] as? String == "not_found_error")
            let empty = try await sim.post("/v1/chat/completions", #"{"model":"x","messages":[]}"#, headers: [])
            #expect(empty.status == 400)
            #expect((try empty.json()["error"] as? [String: Any])?["message"] as? String == "[] is too short - 'messages'")
            await sim.simulator.inject(.serverError, path: "/v1/chat/completions")
            let failed = try await sim.post("/v1/chat/completions", Self.chat(), headers: [])
            #expect(failed.status == 500)
            #expect((try failed.json()["error"] as? [String: Any])?["type"] as? String == "api_error")
        }
    }

    /// The hosted API's faults: 403, 429 with its Retry-After, and an answer without usage.
    @Test func hostedFaults() async throws {
        try await Harness.with { sim in
            await sim.simulator.inject(.forbidden, path: "/v1/chat/completions")
            #expect(try await sim.post("/v1/chat/completions", Self.chat(), headers: []).status == 403)
            await sim.simulator.setRetryAfter(seconds: 7)
            await sim.simulator.inject(.rateLimited, path: "/v1/chat/completions")
            let limited = try await sim.post("/v1/chat/completions", Self.chat(), headers: [])
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "Retry-After") == "7")
            await sim.simulator.inject(.noUsage, path: "/v1/chat/completions")
            let bare = try await sim.post("/v1/chat/completions", Self.chat(), headers: [])
            #expect(bare.status == 200)
            #expect(try bare.json()["usage"] == nil)
            #expect(try bare.json()["choices"] != nil)
        }
    }
}

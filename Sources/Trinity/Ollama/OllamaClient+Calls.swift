import FeedbackLoop
import Foundation
import NIOCore

/// The model calls, each under a lease: its num_ctx and keep_alive are the
/// governor's, its first-byte deadline is sized from the prompt.
extension OllamaClient {
    /// `maxTokens`: the answer's bound (`num_predict`); a model that loops stops there,
    /// and the answer is marked cut off instead of running on to Ollama's own bound.
    public func chat(_ lease: Lease, _ messages: [OllamaAPI.Message], format: JSONValue? = nil,
                     maxTokens: Int? = nil, stream: Bool = true) async throws(OllamaError) -> Completion {
        let req = OllamaAPI.ChatRequest(model: lease.model, messages: messages, stream: stream,
                                        options: .init(num_ctx: lease.contextTokens, num_predict: maxTokens),
                                        keep_alive: .seconds(lease.keepAlive),
                                        format: format)
        return try await complete(lease, "/api/chat", req, promptBytes: messages.reduce(0) { $0 + $1.content.utf8.count })
    }

    public func generate(_ lease: Lease, _ prompt: String, format: JSONValue? = nil,
                         stream: Bool = true) async throws(OllamaError) -> Completion {
        let req = OllamaAPI.GenerateRequest(model: lease.model, prompt: prompt, stream: stream,
                                            options: .init(num_ctx: lease.contextTokens), keep_alive: .seconds(lease.keepAlive),
                                            format: format)
        return try await complete(lease, "/api/generate", req, promptBytes: prompt.utf8.count)
    }

    public func embed(_ lease: Lease, _ input: [String]) async throws(OllamaError) -> (vectors: [[Double]], metrics: CallMetrics) {
        let start = ContinuousClock.now
        let req = OllamaAPI.EmbedRequest(model: lease.model, input: input, options: .init(num_ctx: lease.contextTokens),
                                         keep_alive: .seconds(lease.keepAlive))
        let bytes = input.reduce(0) { $0 + $1.utf8.count }
        let (r, simulated) = try await jsonAnswer(OllamaAPI.Embed.self, "POST", "/api/embed", body: req, model: lease.model,
                                                  deadline: firstByteDeadline(lease.model, promptBytes: bytes))
        let prompt = r.prompt_eval_count ?? 0
        // An embedder generates nothing: its rate is input tokens a second.
        let seconds = (ContinuousClock.now - start).seconds
        let m = CallMetrics(model: lease.model, loadSeconds: Double(r.load_duration ?? 0) / 1e9, latencySeconds: seconds,
                            promptTokens: prompt, outputTokens: 0, tokensPerSecond: 0,
                            contextUse: Double(prompt) / Double(max(lease.contextTokens, 1)), simulated: simulated)
        return (r.embeddings, m)
    }

    /// What `ollama-sim` sends with every answer, so its text is never taken for a model's.
    static let simulatorHeader = "X-Ollama-Simulator"

    /// The first-byte deadline of a prompt of `promptBytes` (about four bytes a token)
    /// on `model`, at its measured prompt rate.
    func firstByteDeadline(_ model: String, promptBytes: Int) -> Duration {
        let rate = promptRates.withLock { $0[ModelName.normalized(model)] }
        return timeouts.firstByte(promptTokens: promptBytes / 4 + 1, rate: rate)
    }

    /// A chat or generate call, streamed (NDJSON, assembled here) or not. An error line
    /// inside the stream is Ollama's failure, in its words; `done_reason: "length"`
    /// marks an answer cut at the token limit.
    private func complete<B: Encodable & Sendable>(_ lease: Lease, _ path: String, _ body: B,
                                                   promptBytes: Int) async throws(OllamaError) -> Completion {
        let start = ContinuousClock.now
        let response = try await send("POST", path, body: body, model: lease.model, deadline: timeouts.whole,
                                      firstByte: firstByteDeadline(lease.model, promptBytes: promptBytes))
        var answer = StreamedAnswer()
        var lines = NDJSONLines()
        do {
            for try await buffer in response.body {
                for line in lines.feed(buffer) { try answer.add(line) }
            }
            if let rest = lines.finish() { try answer.add(rest) }
        } catch {
            throw map(error, phase: "first byte", received: answer.chunks)
        }
        let f = try answer.final()
        let evalSeconds = Double(f.eval_duration ?? 0) / 1e9
        let prompt = f.prompt_eval_count ?? 0, output = f.eval_count ?? 0
        if let d = f.prompt_eval_duration, d > 0, prompt > 0 {
            promptRates.withLock { $0[ModelName.normalized(lease.model)] = Double(prompt) / (Double(d) / 1e9) }
        }
        let m = CallMetrics(model: lease.model, loadSeconds: Double(f.load_duration ?? 0) / 1e9,
                            latencySeconds: (ContinuousClock.now - start).seconds, promptTokens: prompt,
                            outputTokens: output, tokensPerSecond: evalSeconds > 0 ? Double(output) / evalSeconds : 0,
                            contextUse: Double(prompt) / Double(max(lease.contextTokens, 1)),
                            simulated: response.headers.first(name: Self.simulatorHeader) == "1")
        return Completion(text: answer.text, metrics: m, truncated: f.done_reason == "length")
    }
}

/// The pieces of a chat or generate answer as they arrive.
struct StreamedAnswer {
    private(set) var text = ""
    private(set) var chunks = 0
    private var last: OllamaAPI.Chunk?

    mutating func add(_ line: Data) throws(OllamaError) {
        let chunk = try OllamaClient.decode(OllamaAPI.Chunk.self, line)
        if let e = chunk.error { throw .modelFailed(message: e) }
        chunks += 1
        text += chunk.message?.content ?? chunk.response ?? ""
        if chunk.done == true { last = chunk }
    }

    /// The final object; a stream that ended without one was cut.
    func final() throws(OllamaError) -> OllamaAPI.Chunk {
        guard let f = last else {
            if chunks == 0 { throw .malformedResponse(detail: "empty body") }
            throw .streamCut(received: chunks)
        }
        return f
    }
}

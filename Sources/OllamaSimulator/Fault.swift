/// Failures the simulator can be told to produce, to exercise a client's error paths.
public enum Fault: String, Sendable, CaseIterable, Codable {
    /// Close the connection without writing any response.
    case down
    /// 404 {"error":"model 'NAME' not found"} with the requested model name.
    case notFound
    /// 500 {"error":"simulated internal error"}.
    case serverError
    /// Accept the request and never answer, until the client closes the connection.
    case stall
    /// 200 with a body that is not valid JSON.
    case malformed
    /// Streaming: some NDJSON chunks, then the connection closes without the done:true
    /// object. Non-streaming: the connection closes halfway through the body.
    case cutStream
    /// Streaming generate/chat: status 200 and some content chunks, then one NDJSON line
    /// `{"error":"llama runner process has terminated: CUDA error: out of memory"}`, then the
    /// stream ends normally (no done:true object). Non-streaming: 500 with that error.
    /// Ollama: server/routes.go `streamResponse` — an error after `c.Writer.Written()` is
    /// encoded into the stream as `{"error": e}` and the stream ends; before any write it is
    /// an ordinary JSON error with its status (500 unless the error says otherwise).
    case midStreamError
    /// Content faults: the reply is whole and well-formed on the wire, and its text is
    /// what small instruction models get wrong. `fenced`: the answer wrapped in a Markdown
    /// code fence. `sloppy`: a grounded answer plus an invented file path and an invented
    /// number. `salad`: fluent-looking words about nothing. `truncated`: cut off mid-word
    /// at the token limit (done_reason "length", as Ollama reports `num_predict` reached).
    /// `wrongIDs`: names what the prompt did not (a proposal id that is not pending, a
    /// function the evidence does not hold). `truncated` is what a looping model meets:
    /// the generation limit (num_predict, or Ollama's bound of a multiple of num_ctx when
    /// none is set), where llama-server's stop type "limit" becomes done_reason "length"
    /// (llm/llama_server.go, `boundedNumPredict` and `DoneReasonLength`). A JSON-schema
    /// `format` is a grammar the output must follow (llm/llama_server.go passes it as
    /// `json_schema`), so `fenced` leaves schema answers alone and `wrongIDs` cannot put
    /// an id outside the schema's enum — only into free text. Content faults are used
    /// only by answers with content, never by a load or unload request.
    case fenced, sloppy, salad, truncated
    case wrongIDs = "wrong_ids"
    /// A hosted OpenAI-compatible API's refusals, which Ollama itself never sends (it
    /// checks no key): 401 `invalid_api_key` ("Incorrect API key provided"), 403
    /// `unsupported_country_region_territory`, and 429 "Rate limit reached" with a
    /// `Retry-After` header of the seconds to wait (`retry_after` in the fault request,
    /// default 1) — platform.openai.com/docs/guides/error-codes and /docs/guides/rate-limits.
    case unauthorized, forbidden
    case rateLimited = "rate_limited"
    /// A whole, valid chat completion without its `usage` object.
    case noUsage = "no_usage"
    /// A proxy in front of the API (a gateway, a load balancer) answering 502 with its
    /// own HTML page after the request went on: the API may have run — and billed — it.
    case badGateway = "bad_gateway"

    /// A fault in the text of an answer, not in its transport.
    public var isContent: Bool {
        switch self {
        case .fenced, .sloppy, .salad, .truncated, .wrongIDs: true
        default: false
        }
    }

    /// A refusal only a hosted OpenAI-compatible API sends: Ollama checks no key, sets no
    /// rate limit and always reports its counts, so an Ollama client never meets these.
    public var isHostedAPIOnly: Bool {
        switch self {
        case .unauthorized, .forbidden, .rateLimited, .noUsage, .badGateway: true
        default: false
        }
    }

    /// The transport faults Ollama itself can show a client: the cases an Ollama client's
    /// error paths must each handle.
    public static var ollamaTransport: [Fault] { allCases.filter { !$0.isContent && !$0.isHostedAPIOnly } }

    /// What `midStreamError` reports: a runner that died mid-generation.
    public static let midStreamErrorMessage = "llama runner process has terminated: CUDA error: out of memory"
}

/// Pending faults, consumed first-in first-out by the requests they match.
struct FaultQueue: Sendable {
    struct Rule: Sendable, Codable, Equatable {
        var fault: Fault
        var remaining: Int
        /// nil matches every path.
        var path: String?
    }

    private(set) var rules: [Rule] = []

    mutating func add(_ fault: Fault, count: Int, path: String?) {
        guard count > 0 else { return }
        rules.append(Rule(fault: fault, remaining: count, path: path))
    }

    /// The fault the next request on `path` must suffer, if any; consumes one use of it.
    mutating func take(for path: String, where kind: (Fault) -> Bool = { _ in true }) -> Fault? {
        guard let index = rules.firstIndex(where: { ($0.path == nil || $0.path == path) && kind($0.fault) }) else { return nil }
        let fault = rules[index].fault
        rules[index].remaining -= 1
        if rules[index].remaining <= 0 { rules.remove(at: index) }
        return fault
    }

    mutating func clear() {
        rules.removeAll()
    }
}

/// A call's most possible cost, reserved against the night's cap before it is made.
///
/// No tokenizer is needed for a bound: every token a byte-pair tokenizer (OpenAI's
/// cl100k and o200k, Llama's, Mistral's) makes covers at least one byte of the text, so
/// the bytes sent bound the prompt's tokens from above; each message adds its role and
/// separators (at most 4 tokens, OpenAI's cookbook counts 3–4), the reply's priming 3,
/// and the JSON schema of the answer is given to the model as text too. The answer is
/// bounded by `max_completion_tokens`. The bound is 3–4× what a call really uses on
/// English text: that is the price of a cap that holds, and the booked cost (from the
/// answer's `usage`) gives the rest back.
public struct WorstCase: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var usd: Double

    public init(_ request: OpenAIChat.Request, settings: RemoteSettings) {
        let text = request.messages.reduce(0) { $0 + $1.content.utf8.count + $1.role.utf8.count + 4 }
        let schema = OpenAIChat.Request(model: "", messages: [], maxTokens: 0, schema: request.response_format.json_schema.schema)
            .encoded().count
        promptTokens = text + 3 + schema
        completionTokens = request.max_completion_tokens
        usd = settings.cost(prompt: promptTokens, completion: completionTokens)
    }
}

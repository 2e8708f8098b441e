import NIOCore

/// `/api/embed`: loads the embedding model like generation does, then answers vectors.
struct EmbedEndpoint: Sendable {
    let context: EndpointContext

    func embed(_ body: ByteBuffer) async throws -> Reply {
        let request = try JSONBody.decode(EmbedRequest.self, from: body)
        let (model, requested) = try context.model(named: request.model)
        guard model.isEmbedding else {
            throw HTTPError(.badRequest, "\"\(requested)\" does not support embeddings")
        }
        let inputs = try Self.texts(from: request.input)
        let keepAlive = request.keepAlive ?? .standard
        let state = context.state
        // keep_alive 0 with nothing to embed is how clients unload an embedding model. Ollama
        // (server/routes.go EmbedHandler) schedules the runner and answers no embeddings; the
        // finished request with sessionDuration 0 then expires it (server/sched.go
        // processCompleted). The simulator skips the load of a model that is not resident.
        if inputs.isEmpty, keepAlive.unloadsImmediately {
            await state.requestUnload(model.name)
            return .json(EmbedBody(model: requested, embeddings: [], totalDuration: 0, loadDuration: 0, promptEvalCount: 0))
        }
        let contextLength = model.effectiveContextLength(requested: request.options?.contextLength)
        let (load, lease) = await state.acquire(model, contextLength: contextLength, keepAlive: keepAlive)
        let promptTokens = inputs.reduce(0) { $0 + Answers.tokenCount($1) }
        let metrics = GenerationMetrics(
            load: load, promptTokens: promptTokens, evalTokens: 0, tokensPerSecond: context.configuration.tokensPerSecond)
        let vectors = inputs.map { Embeddings.vector(for: $0, dimensions: model.embeddingDimensions) }
        var answer = Reply.json(EmbedBody(
            model: requested, embeddings: vectors, totalDuration: metrics.totalDuration,
            loadDuration: metrics.loadDuration, promptEvalCount: inputs.isEmpty ? 0 : promptTokens))
        // Busy until written; keep_alive 0 unloads it then (server/sched.go processCompleted).
        answer.finish = ReplyFinish { await state.release(lease) }
        return answer
    }

    /// "input" is one string or an array of strings; absent means "just load the model".
    private static func texts(from input: JSONValue?) throws -> [String] {
        switch input {
        case nil, .null:
            return []
        case .string(let text):
            return [text]
        case .array(let items):
            let texts = items.compactMap(\.stringValue)
            guard texts.count == items.count else { throw HTTPError(.badRequest, "invalid input type: every input must be a string") }
            return texts
        default:
            throw HTTPError(.badRequest, "invalid input type: expected a string or an array of strings")
        }
    }
}

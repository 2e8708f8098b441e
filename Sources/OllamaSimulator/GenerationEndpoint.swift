import NIOCore

/// `/api/generate` and `/api/chat`: they differ only in how the prompt arrives and whether
/// the answer travels in "response" or in "message".
struct GenerationEndpoint: Sendable {
    let context: EndpointContext

    enum Kind: String, Sendable {
        case generate, chat
    }

    /// One request, reduced to what matters to the simulation.
    struct Job: Sendable {
        var kind: Kind
        var model: String?
        /// What seeds the answer: identical jobs get identical answers.
        var seed: String
        /// The prompt's text (the messages' contents), which `Composer` answers from.
        var prompt: String
        var promptTokens: Int
        /// No prompt / no messages: a request to load (or, with keep_alive 0, to unload).
        var isEmpty: Bool
        var stream: Bool
        var contextLength: Int?
        var maxTokens: Int? = nil
        var keepAlive: KeepAlive?
        var format: JSONValue?
    }

    func generate(_ body: ByteBuffer) async throws -> Reply {
        let request = try JSONBody.decode(GenerateRequest.self, from: body)
        let prompt = request.prompt ?? ""
        let text = [request.system ?? "", prompt].filter { !$0.isEmpty }.joined(separator: "\n")
        return try await run(Job(
            kind: .generate, model: request.model, seed: text, prompt: text,
            promptTokens: Answers.tokenCount(text), isEmpty: prompt.isEmpty,
            stream: request.stream ?? true, contextLength: request.options?.contextLength,
            maxTokens: request.options?.maxTokens, keepAlive: request.keepAlive, format: request.format))
    }

    func chat(_ body: ByteBuffer) async throws -> Reply {
        let request = try JSONBody.decode(ChatRequest.self, from: body)
        let messages = request.messages ?? []
        let seed = messages.map { "\($0.role ?? "user"): \($0.content ?? "")" }.joined(separator: "\n")
        let contents = messages.map { $0.content ?? "" }.joined(separator: "\n")
        return try await run(Job(
            kind: .chat, model: request.model, seed: seed, prompt: contents,
            promptTokens: Answers.tokenCount(contents), isEmpty: messages.isEmpty,
            stream: request.stream ?? true, contextLength: request.options?.contextLength,
            maxTokens: request.options?.maxTokens, keepAlive: request.keepAlive, format: request.format))
    }

    private func run(_ job: Job) async throws -> Reply {
        let (model, requested) = try context.model(named: job.model)
        let state = context.state
        // keep_alive 0 with nothing to say is how clients unload a model. Ollama:
        // server/routes.go GenerateHandler ("expire the runner if unload is requested (empty
        // prompt, keep alive is 0)") and ChatHandler (no messages): `s.sched.expireRunner(m)`,
        // then 200 done_reason "unload" at once — before any capability check, so it works
        // on an embedding model too. The runner goes away afterwards (`unloadDelay`).
        if job.isEmpty, let keepAlive = job.keepAlive, keepAlive.unloadsImmediately {
            await state.requestUnload(model.name)
            return .json(object(job.kind, model: requested, content: "", done: true, reason: "unload", metrics: nil))
        }
        // Ollama: routes.go checks `model.CapabilityCompletion` only after the unload branch:
        // `"%q does not support generate"` / `"%q does not support chat"`.
        guard !model.isEmbedding else {
            throw HTTPError(.badRequest, "\"\(requested)\" does not support \(job.kind.rawValue)")
        }
        var format = try AnswerFormat(job.format)
        if case .text = format, job.seed.contains("Markdown") { format = .markdown }
        let keepAlive = job.keepAlive ?? .standard
        let contextLength = model.effectiveContextLength(requested: job.contextLength)
        let (load, lease) = await state.acquire(model, contextLength: contextLength, keepAlive: keepAlive)
        var answer: Reply
        if job.isEmpty {
            answer = .json(object(job.kind, model: requested, content: "", done: true, reason: "load", metrics: nil))
        } else {
            let seed = "\(model.name)\u{0}\(job.kind.rawValue)\u{0}\(job.seed)\u{0}\(format.seedComponent)"
            // A content fault injected for this path, taken only now that there is content.
            let fault = await state.takeFault(for: "/api/\(job.kind.rawValue)", content: true)
            var (content, reason) = Composer.answer(prompt: job.prompt, seed: seed, format: format, fault: fault)
            // num_predict reached: the answer stops there, done_reason "length"
            // (llm/llama_server.go: NPredict, stop type "limit" → DoneReasonLength).
            if let limit = job.maxTokens, Answers.tokenCount(content) > limit {
                content = Answers.pieces(of: content, wordsPerPiece: 1).prefix(limit).joined()
                reason = "length"
            }
            let metrics = GenerationMetrics(
                load: load, promptTokens: job.promptTokens, evalTokens: Answers.tokenCount(content),
                tokensPerSecond: context.configuration.tokensPerSecond)
            answer = reply(job, model: requested, content: content, metrics: metrics, reason: reason)
        }
        // The model stays referenced (busy) until the reply is written, streaming included;
        // a keep_alive of 0 unloads it then (server/sched.go processCompleted).
        answer.finish = ReplyFinish { await state.release(lease) }
        return answer
    }

    private func reply(_ job: Job, model: String, content: String, metrics: GenerationMetrics, reason: String) -> Reply {
        guard job.stream else {
            return .json(object(job.kind, model: model, content: content, done: true, reason: reason, metrics: metrics))
        }
        var objects = Answers.pieces(of: content).map {
            object(job.kind, model: model, content: $0, done: false, reason: nil, metrics: nil)
        }
        objects.append(object(job.kind, model: model, content: "", done: true, reason: reason, metrics: metrics))
        return .ndjson(objects, chunkDelay: context.configuration.streamChunkDelay)
    }

    /// One encoded generate or chat object.
    private func object(
        _ kind: Kind, model: String, content: String, done: Bool, reason: String?, metrics: GenerationMetrics?
    ) -> ByteBuffer {
        JSONBody.encode(GenerationChunk(
            kind: kind, model: model, createdAt: Timestamp.now(), text: content,
            done: done, doneReason: reason, metrics: metrics))
    }
}

import NIOCore
import NIOHTTP1

/// What every endpoint needs: the shared state, the models, the configuration.
struct EndpointContext: Sendable {
    let state: SimulatorState
    let registry: ModelRegistry
    let configuration: SimulatorConfiguration

    /// The model a request names: 400 when it names none, 404 (Ollama's wording, with the
    /// name as requested) when it is not one of the configured models.
    func model(named requested: String?) throws -> (model: SimulatedModel, requested: String) {
        guard let requested, !requested.isEmpty else { throw HTTPError(.badRequest, "model is required") }
        guard let model = registry.lookup(requested) else { throw HTTPError.modelNotFound(requested) }
        return (model, requested)
    }
}

/// Maps method and path to an endpoint. Faults are applied before this, by the connection.
struct Router: Sendable {
    let context: EndpointContext

    func route(_ request: HTTPRequest) async -> Reply {
        if let refused = OpenAIEndpoint.authorize(request, key: context.configuration.apiKey) { return refused }
        do {
            return try await dispatch(request)
        } catch let error as HTTPError {
            return error.reply
        } catch {
            return .error(.internalServerError, "simulator error: \(error)")
        }
    }

    private func dispatch(_ request: HTTPRequest) async throws -> Reply {
        let models = ModelEndpoints(context: context)
        let generation = GenerationEndpoint(context: context)
        let control = ControlEndpoints(context: context)
        switch (request.head.method, request.path) {
        // Clients probe "/" and /api/version to see whether Ollama is up.
        case (.GET, "/"), (.HEAD, "/"): return .text("Ollama is running")
        case (.GET, "/api/version"): return .json(VersionBody(version: "0.0.0-simulator"))
        case (.GET, "/api/tags"): return models.tags()
        case (.GET, "/api/ps"): return await models.ps()
        case (.POST, "/api/show"): return try models.show(request.body)
        case (.POST, "/api/generate"): return try await generation.generate(request.body)
        case (.POST, "/api/chat"): return try await generation.chat(request.body)
        case (.POST, "/api/embed"): return try await EmbedEndpoint(context: context).embed(request.body)
        // The OpenAI-compatible API (server/routes.go registers both under /v1).
        case (.POST, "/v1/chat/completions"): return await OpenAIEndpoint(context: context).chatCompletions(request)
        case (.GET, "/v1/models"): return OpenAIEndpoint(context: context).models(request)
        case (.POST, "/sim/fault"): return try await control.inject(request.body)
        case (.POST, "/sim/clear"): return await control.clear()
        case (.POST, "/sim/hog"): return try await control.hog(request.body)
        case (.GET, "/sim/state"): return await control.snapshot()
        default: return .error(.notFound, "not found")
        }
    }
}

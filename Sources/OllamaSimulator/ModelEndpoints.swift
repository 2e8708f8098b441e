import NIOCore

/// `/api/tags`, `/api/ps`, `/api/show`: what is installed, what is loaded, what a model is.
struct ModelEndpoints: Sendable {
    let context: EndpointContext

    func tags() -> Reply {
        .json(TagsBody(models: context.registry.models.map(ModelPresentation.listed)))
    }

    func ps() async -> Reply {
        let entries = await context.state.residentEntries()
        return .json(PSBody(models: entries.map(ModelPresentation.running)))
    }

    func show(_ body: ByteBuffer) throws -> Reply {
        let request = try JSONBody.decode(ModelNameRequest.self, from: body)
        let (model, _) = try context.model(named: request.requestedName)
        return .json(ModelPresentation.show(model))
    }
}

/// Name resolution over the configured models, with Ollama's rule that a name without a
/// tag means ":latest" (so "all-minilm" finds "all-minilm:latest").
struct ModelRegistry: Sendable {
    let models: [SimulatedModel]

    func lookup(_ requested: String) -> SimulatedModel? {
        let wanted = Self.canonicalName(requested)
        return models.first { Self.canonicalName($0.name) == wanted }
    }

    static func canonicalName(_ name: String) -> String {
        let trimmed = name.trimmingPrefix("registry.ollama.ai/library/")
        let lastComponent = trimmed.split(separator: "/").last ?? Substring(trimmed)
        return lastComponent.contains(":") ? String(trimmed) : "\(trimmed):latest"
    }
}

import FeedbackLoop

/// Permission to call one model with one context size, granted by the `Governor`.
/// Its initializer is internal to this module and the client's model calls take a
/// lease, so no code elsewhere can call a model the governor has not leased.
public struct Lease: Sendable, Hashable {
    public let id: Int
    public let role: Role
    public let model: String
    /// The `num_ctx` every call under this lease uses.
    public let contextTokens: Int

    init(id: Int, role: Role, model: String, contextTokens: Int) {
        self.id = id
        self.role = role
        self.model = model
        self.contextTokens = contextTokens
    }
}

/// What one model call cost, from Ollama's final object and the wall clock.
public struct Completion: Sendable, Equatable {
    public var text: String
    public var metrics: CallMetrics
}

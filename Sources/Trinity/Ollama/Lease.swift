import FeedbackLoop

/// Permission to call one model with one context size, granted by the `Governor`.
/// Its initializer is internal to this module and the client's model calls take a
/// lease, so no code elsewhere can call a model the governor has not leased.
public struct Lease: Sendable, Hashable {
    public let id: Int
    public let role: Role
    public let model: String
    /// The `num_ctx` every call under this lease uses (the one the model was loaded
    /// with: another would make Ollama reload it).
    public let contextTokens: Int
    /// The keep_alive every call under this lease sends: the governor's choice, never
    /// Ollama's default.
    public let keepAlive: Duration
    /// The load this lease waited for, in seconds (0 when the model was resident).
    public let loadSeconds: Double

    init(id: Int, role: Role, model: String, contextTokens: Int, keepAlive: Duration, loadSeconds: Double = 0) {
        self.id = id
        self.role = role
        self.model = model
        self.contextTokens = contextTokens
        self.keepAlive = keepAlive
        self.loadSeconds = loadSeconds
    }
}

/// What one model call produced, from Ollama's final object and the wall clock.
public struct Completion: Sendable, Equatable {
    public var text: String
    public var metrics: CallMetrics
    /// Ollama stopped at the token limit (`done_reason: "length"`): the text is cut off.
    public var truncated = false
}

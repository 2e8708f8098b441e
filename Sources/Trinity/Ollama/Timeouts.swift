/// How long to wait for Ollama, phase by phase. A model's load is the governor's
/// step, under its own timeout (`GovernorSettings.loadTimeout`); what is left for a
/// role's request is prompt evaluation, then generation.
public struct Timeouts: Sendable, Equatable {
    /// Ollama is on loopback: a connection is made at once or not at all.
    public var connect: Duration = .milliseconds(250)
    /// The first byte of a model's answer: this allowance, plus the prompt's tokens at
    /// the model's measured prompt rate (`assumedPromptRate` until one is measured).
    /// Ollama writes nothing while it evaluates the prompt.
    public var firstByte: Duration = .seconds(30)
    /// Prompt tokens a second assumed before a model's rate is measured: a 22B on
    /// CPU cores evaluates some tens a second.
    public var assumedPromptRate = 20.0
    /// The longest silence between two bytes of an answer (and the whole of a load's
    /// wait, for which `GovernorSettings.loadTimeout` sets a deadline of its own).
    public var stall: Duration = .seconds(300)
    public var whole: Duration = .seconds(600)
    /// Retries of a request whose pooled connection the server had closed (nothing
    /// was sent, so repeating is safe). A refused connection is never retried: on
    /// loopback it means nothing listens, and waiting would not change that.
    public var connectRetries = 1

    public init() {}

    /// The first-byte deadline of a prompt of `tokens` on a model evaluating `rate`
    /// tokens a second (nil: not measured yet).
    public func firstByte(promptTokens tokens: Int, rate: Double?) -> Duration {
        let r = max(rate ?? assumedPromptRate, 1)
        let total = firstByte + .milliseconds(Int64(Double(tokens) / r * 1000))
        return min(total, whole)
    }
}

import FeedbackLoop

/// What a model call gave a stage: the value (nil when the call failed or was
/// refused) and the record of the call for the report.
public struct ModelAnswer<Value: Sendable>: Sendable {
    public var value: Value?
    public var call: ModelCallRecord
    /// The role cannot answer this cycle (Ollama down, model missing, refused): the
    /// stage stops asking and falls back for the rest.
    public var roleUnavailable: Bool

    public init(value: Value?, call: ModelCallRecord, roleUnavailable: Bool = false) {
        self.value = value
        self.call = call
        self.roleUnavailable = roleUnavailable
    }
}

/// The model-backed workers a cycle may call: the Controller classifies, the embedder
/// embeds, the Builder drafts. The cycle knows only this seam; the implementation
/// (Ollama under the governor's leases) lives in `Workers`, and tests may stand in.
public protocol ModelStages: Sendable {
    /// At the start of a cycle's model work: learn what Ollama has now. Nil when the
    /// models may be asked; else why not (each stage then falls back and says so).
    func begin() async -> String?
    /// When the cycle's model work is done: give back what the next cycle does not
    /// need. Returns what was done with each model, for the journal.
    func end() async -> [String]
    /// The id the embedder's vectors are stored under ("ollama:all-minilm:latest"); nil
    /// when the configuration chose the local hashed embedder (EMBEDDING_PROVIDER=hash).
    var embedderID: String? { get }
    /// Nil value: no answer (the signature is asked again next cycle). An answer that
    /// fails validation comes back with `valid == false`.
    func classify(signature: String, function: String) async -> ModelAnswer<Classification>
    /// Unit vectors, one per text.
    func embed(_ texts: [String]) async -> ModelAnswer<[[Float]]>
    /// A validated Markdown draft for the proposal; nil with the reason in the call
    /// record when the model failed or its draft did not pass.
    func draft(_ proposal: Proposal, patterns: [Pattern], recalled: [MemoryHit]) async -> ModelAnswer<String>
}

import FeedbackLoop

/// The model stages' state through one cycle: whether any model may be asked, which
/// roles stopped answering, and every call made.
struct ModelSession {
    enum Role: String {
        case controller, embedder, builder
    }

    let models: (any ModelStages)?
    /// Why no model may be asked this cycle (stages off, Ollama down).
    let unavailable: String?
    private var stopped: [Role: String] = [:]
    private(set) var calls: [ModelCallRecord] = []

    /// Before the model stages begin: nothing may be asked.
    init() {
        models = nil
        unavailable = "the model stages have not begun"
    }

    init(models: (any ModelStages)?, offReason: String) async {
        self.models = models
        if let models { unavailable = await models.begin() } else { unavailable = offReason }
    }

    /// After the last model stage: the models the next cycle does not need are
    /// unloaded (nothing to do when no model could be asked).
    func end() async {
        guard unavailable == nil, let models else { return }
        _ = await models.end()
    }

    /// The workers, when `role` may be asked now; nil with `reason(role)` otherwise.
    func available(_ role: Role) -> (any ModelStages)? {
        reason(role) == nil ? models : nil
    }

    /// Why `role` may not be asked this cycle, if it may not.
    func reason(_ role: Role) -> String? {
        unavailable ?? stopped[role]
    }

    /// Records the call. A role that said it cannot answer this cycle (Ollama down,
    /// model missing, refused) is not asked again: the stage falls back for the rest.
    mutating func record<T>(_ a: ModelAnswer<T>, _ role: Role) -> T? {
        calls.append(a.call)
        if a.roleUnavailable { stopped[role] = a.call.fallbackReason ?? "\(role.rawValue) unavailable" }
        return a.value
    }
}

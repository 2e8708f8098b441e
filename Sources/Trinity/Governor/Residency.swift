import Foundation

/// One model as Ollama lists it in `/api/ps`, right now.
public struct ResidentModel: Sendable, Equatable {
    /// As Ollama spells it (`name:tag`).
    public var name: String
    public var bytes: Int64
    /// The num_ctx it was loaded with: the governor's own record when it loaded it,
    /// else what `/api/ps` reports.
    public var context: Int?
    /// Ollama's `expires_at`: when its keep_alive runs out.
    public var expiresAt: String?

    /// Seconds until Ollama drops it (nil: unknown or unparsable).
    public func secondsLeft(now: Double = Date().timeIntervalSince1970) -> Double? {
        expiresAt.flatMap(RFC3339.seconds).map { $0 - now }
    }
}

/// What is true at the moment of a decision: the models Ollama holds and the
/// machine's memory, both read just now. Never kept across a decision.
struct Truth {
    /// Keyed by `ModelName.normalized`.
    var resident: [String: ResidentModel]
    var memory: MemorySnapshot

    var heldBytes: Int64 { resident.values.reduce(0) { $0 + $1.bytes } }
}

/// How the governor's picture changed between two readings of `/api/ps`: models Ollama
/// dropped on its own (keep_alive ran out, its own eviction, a restart) and models it
/// holds that the governor did not load (another client's, or from before a restart).
struct ResidencyChange: Equatable {
    var dropped: [String] = []
    var adopted: [String] = []

    static func between(_ before: [String: ResidentModel], _ now: [String: ResidentModel],
                        expectedGone: Set<String>, expectedNew: Set<String>) -> ResidencyChange {
        var c = ResidencyChange()
        c.dropped = before.keys.filter { now[$0] == nil && !expectedGone.contains($0) }.sorted().map { before[$0]!.name }
        c.adopted = now.keys.filter { before[$0] == nil && !expectedNew.contains($0) }.sorted().map { now[$0]!.name }
        return c
    }
}

/// What the governor did and saw, over its life: the figures of the soak, the
/// benchmark and the memory view.
public struct GovernorStats: Sendable, Equatable, Codable {
    public var loads = 0
    public var refusals = 0
    /// Unloads the governor asked for (to make room, or at the end of a cycle).
    public var evictions = 0
    /// Models that left Ollama without the governor asking (keep_alive, Ollama's own
    /// eviction, a restart).
    public var droppedByOllama = 0
    /// Models found loaded that the governor had not loaded.
    public var adopted = 0
    /// The last load of each model, in seconds, as the governor timed it.
    public var loadSeconds: [String: Double] = [:]
}

/// The governor's view of one resident model, for `consciousness memory`.
public struct GovernedModel: Sendable, Equatable {
    public var model: ResidentModel
    public var leases: Int
    /// The role whose model it is; nil for a model no role uses.
    public var role: Role?
}

/// Who unloaded what, and how often anything loaded: the counts a memory-governor test
/// compares to tell its own unloads from Ollama's.
public struct SimulatorCounters: Sendable, Codable, Equatable {
    /// Real loads (requests that found their model resident don't count).
    public var loads = 0
    /// keep_alive ran out while the model was idle (server/sched.go `processCompleted`: the
    /// expire timer of an idle runner).
    public var expired = 0
    /// Ollama evicted an idle model by itself to make room: the loaded-model cap or memory
    /// (server/sched.go `processPending` → `findRunnerToUnload`).
    public var evictedByOllama = 0
    /// A client asked for the unload: keep_alive 0, either an empty generate/chat/embed
    /// (server/routes.go `expireRunner`) or a real request whose model then unloads when it
    /// goes idle (sessionDuration 0). Counted when the model was resident.
    public var unloadRequests = 0
    /// A request asked for another num_ctx: Ollama unloads and reloads the runner
    /// (server/sched.go `needsReload`). Not an eviction, not counted in `evictedByOllama`.
    public var reloads = 0

    public init() {}

    mutating func count(_ reason: UnloadReason) {
        switch reason {
        case .expired: expired += 1
        case .evicted: evictedByOllama += 1
        case .requested: unloadRequests += 1
        case .reload: reloads += 1
        }
    }
}

/// Why a resident model is going away.
enum UnloadReason: Sendable {
    case expired, evicted, requested, reload
}

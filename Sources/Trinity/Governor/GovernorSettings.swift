/// The governor's limits, and what it must know of how Ollama is configured.
public struct GovernorSettings: Sendable, Equatable {
    public var budget = Budget()
    /// The KV cache's element type Ollama really uses: OLLAMA_KV_CACHE_TYPE when flash
    /// attention is on, else f16 (see `DaemonConfig.cacheType`).
    public var cacheType = KVCache.CacheType.f16
    /// OLLAMA_NUM_PARALLEL: Ollama allocates the KV cache for num_ctx × this.
    public var numParallel = 1
    /// OLLAMA_MAX_LOADED_MODELS (Ollama's default: 3). The governor keeps below it, so
    /// Ollama never has to evict on its own.
    public var maxLoadedModels = 3
    /// Stop granting loads while PSI "full avg10" is above this (percent of time stalled).
    public var maxPressureFullAvg10 = 10.0
    /// …or while MemAvailable is below this many bytes beyond the OS reserve.
    public var minAvailableBeyondReserve: Int64 = 0
    /// How long a load may take, as OLLAMA_LOAD_TIMEOUT bounds it on Ollama's side.
    public var loadTimeout: Duration = .seconds(300)
    /// How long to wait for Ollama to drop a model after an unload (bounded: the next
    /// decision re-reads the truth either way).
    public var unloadWait: Duration = .seconds(10)
    /// keep_alive of every call inside a cycle: long enough for the slowest stage, short
    /// enough that a daemon killed mid-cycle leaves nothing loaded for long.
    public var keepAliveInCycle: Duration = .seconds(15 * 60)
    /// keep_alive of the models kept between cycles: the cycle interval and a margin,
    /// so Ollama frees them by itself if the daemon stops.
    public var keepAliveBetweenCycles: Duration = .seconds(70 * 60)
    /// A resident model whose keep_alive ends sooner than this has its timer reset
    /// before it is granted…
    public var touchWithin: Duration = .seconds(60)
    /// …unless it ends sooner than this: too close to call before Ollama drops it.
    public var expiryGrace: Duration = .milliseconds(500)
    /// The roles whose models stay loaded between cycles.
    public var keepBetweenCycles: Set<Role> = [.controller, .embedder]

    public init() {}
}

/// Why the governor said no. Callers fall back and say so in the report.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unknownRole = "unknown_role"
        case modelMissing = "model_missing"
        case pressure
        case reserve
        case wouldNotFit = "would_not_fit"
        case ollama
    }

    public var kind: Kind
    public var role: Role
    public var reason: String
    public var description: String { "\(role) refused (\(kind.rawValue)): \(reason)" }
}

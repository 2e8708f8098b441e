import Foundation

/// Everything a simulator instance pretends about its machine and its models.
public struct SimulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 binds any free port; read the real one from `OllamaSimulator.port` after `start()`.
    public var port = 0
    public var models: [SimulatedModel] = ModelCatalog.trinity
    /// Simulated (really slept) load time, proportional to the weights' size in GB (1e9 bytes).
    public var loadSecondsPerGB = 0.0
    /// Generation speed reported through `eval_duration`; nothing sleeps for it.
    public var tokensPerSecond = 500.0
    /// Real pause between streamed chunks, for clients that must cope with slow streams.
    public var streamChunkDelay: Duration = .zero
    public var memTotalBytes: Int64 = 48 * 1_000_000_000
    /// Memory used by "the OS" besides the resident models.
    public var baseUsedBytes: Int64 = 4 * 1_000_000_000
    /// When set, rewritten atomically after every load and unload in /proc/meminfo format.
    public var meminfoPath: String? = nil
    /// Bytes per KV-cache element of an unquantized (f16) cache: 2. A quantized
    /// `kvCacheType` replaces it, but only with `flashAttention` (see `effectiveKVBytesPerElement`).
    public var kvBytesPerElement = 2.0

    /// OLLAMA_FLASH_ATTENTION. Without it a quantized `kvCacheType` is ignored.
    public var flashAttention = false
    /// OLLAMA_KV_CACHE_TYPE.
    public var kvCacheType = KVCacheType.f16
    /// OLLAMA_NUM_PARALLEL: the KV cache of every load holds num_ctx × numParallel tokens.
    /// Ollama: envconfig/config.go `NumParallel` (default 1); server/sched.go
    /// `effectiveLlamaServerContext` = effectiveModelContext × max(numParallel, 1).
    public var numParallel = 1
    /// OLLAMA_MAX_LOADED_MODELS as Ollama resolves it when unset on a machine without GPUs:
    /// server/sched.go `defaultModelsPerGPU = 3` × max(len(gpus), 1). 0 = unlimited.
    public var maxLoadedModels = 3

    /// How long an unloaded model stays listed in `/api/ps` and counted in meminfo after the
    /// unload was decided: Ollama answers an unload request at once and the runner goes away
    /// afterwards (server/sched.go `expireRunner`, `processCompleted`, `waitForVRAMRecovery`).
    public var unloadDelay: Duration = .milliseconds(100)
    /// Every keep_alive a request gives (and the 5 min default) is multiplied by this, so a
    /// soak test sees expiry in seconds while its client sends realistic durations.
    public var keepAliveScale = 1.0
    /// How often the background sweeper expires models and republishes meminfo (the hog moves).
    public var sweepInterval: Duration = .milliseconds(100)

    /// External memory use (another process) that rises and falls: a triangle wave from 0 to
    /// `hogMaxBytes` and back every `hogPeriod`, added to "used" in meminfo. 0 = no hog.
    /// `POST /sim/hog` or `OllamaSimulator.setHog(bytes:)` pins it to a fixed value instead.
    public var hogMaxBytes: Int64 = 0
    public var hogPeriod: Duration = .seconds(60)

    /// The invariant observer: when set, every completed load checks that MemAvailable (as
    /// published) is at least this much. A failure counts as a violation.
    public var watchReserveBytes: Int64? = nil
    /// The invariant observer: when set, every completed load checks that the resident models
    /// together hold at most this much. A failure counts as a violation.
    public var watchBudgetBytes: Int64? = nil

    /// When set, `/v1/*` requires `Authorization: Bearer` this key, as a hosted API does
    /// (Ollama ignores the key); `ollama-sim --api-key-file`.
    public var apiKey: String? = nil

    public init() {}

    /// Bytes per KV-cache element as a load really gets it. A quantized cache type takes
    /// effect only with flash attention: Ollama (llm/server.go at 9db4bdbad^, NewLlamaServer)
    /// logs "quantized kv cache requested but flash attention disabled" and keeps f16.
    public var effectiveKVBytesPerElement: Double {
        guard flashAttention, let quantized = kvCacheType.quantizedBytesPerElement else { return kvBytesPerElement }
        return quantized
    }

    /// The simulator is a test fixture: it must never be reachable from the network.
    public static func isLoopbackHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if ["localhost", "::1", "0:0:0:0:0:0:0:1", "[::1]"].contains(lowered) { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { UInt8($0) != nil }
    }
}

public enum SimulatorError: Error, CustomStringConvertible, Sendable {
    case alreadyStarted
    case nonLoopbackHost(String)

    public var description: String {
        switch self {
        case .alreadyStarted:
            return "the simulator was already started"
        case .nonLoopbackHost(let host):
            return "refusing to listen on '\(host)': the simulator only binds loopback addresses (127.0.0.1, ::1, localhost)"
        }
    }
}

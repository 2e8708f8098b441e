/// OLLAMA_KV_CACHE_TYPE (envconfig/config.go `KvCacheType`): the element type of the KV cache.
/// Ollama: fs/ggml/ggml.go `SupportsKVCacheType` accepts "", "f16", "q8_0", "q4_0".
public enum KVCacheType: String, Sendable, CaseIterable, Codable {
    case f16
    case q8_0
    case q4_0

    /// ggml's block sizes: q8_0 stores 32 elements in 34 bytes (32 int8 + an f16 scale), q4_0
    /// in 18 (16 bytes of nibbles + the scale). Ollama's estimator (fs/ggml/ggml.go
    /// `kvCacheBytesPerElement`) rounds these to 1 and 0.5; the simulator charges what the
    /// cache really takes. nil for f16, whose size is `SimulatorConfiguration.kvBytesPerElement`.
    public var quantizedBytesPerElement: Double? {
        switch self {
        case .f16: return nil
        case .q8_0: return 34.0 / 32.0
        case .q4_0: return 18.0 / 32.0
        }
    }
}

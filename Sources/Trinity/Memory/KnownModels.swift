/// Architecture numbers of the seed's models, for planning a machine before Ollama
/// has them (`consciousness memory --profile 48gb`) — the same numbers `/api/show`
/// reports for them.
public enum KnownModels {
    public struct Entry: Sendable {
        public var weightsBytes: Int64
        public var info: [String: JSONValue]
    }

    public static let table: [String: Entry] = [
        "codestral:22b-v0.1-q4_K_M": Entry(weightsBytes: 13_400_000_000, info: [
            "general.architecture": .string("llama"), "llama.block_count": .number(56),
            "llama.attention.head_count": .number(48), "llama.attention.head_count_kv": .number(8),
            "llama.embedding_length": .number(6144), "llama.attention.key_length": .number(128),
            "llama.attention.value_length": .number(128), "llama.context_length": .number(32768),
        ]),
        "qwen2.5-coder:7b-instruct-q4_K_M": Entry(weightsBytes: 4_700_000_000, info: [
            "general.architecture": .string("qwen2"), "qwen2.block_count": .number(28),
            "qwen2.attention.head_count": .number(28), "qwen2.attention.head_count_kv": .number(4),
            "qwen2.embedding_length": .number(3584), "qwen2.context_length": .number(32768),
        ]),
        "qwen2.5-coder:1.5b-instruct-q4_K_M": Entry(weightsBytes: 986_000_000, info: [
            "general.architecture": .string("qwen2"), "qwen2.block_count": .number(28),
            "qwen2.attention.head_count": .number(12), "qwen2.attention.head_count_kv": .number(2),
            "qwen2.embedding_length": .number(1536), "qwen2.context_length": .number(32768),
        ]),
        "all-minilm:latest": Entry(weightsBytes: 45_960_000, info: [
            "general.architecture": .string("bert"), "bert.block_count": .number(6),
            "bert.attention.head_count": .number(12), "bert.embedding_length": .number(384),
            "bert.context_length": .number(512),
        ]),
    ]

    /// The seed's own table (LOCAL_ONLY_AUTONOMOUS_MODE.md): context tokens and GB per
    /// 10k tokens it expected for each role within its 20.4 GB of KV cache.
    public static let seedTable: [Role: (context: Int, gbPer10k: Double)] = [
        .architect: (25_000, 0.8), .builder: (60_000, 0.34), .controller: (136_000, 0.15),
    ]

    /// A profile from `model_info` and a weights size; KV keys missing give a profile
    /// with a warning and no KV figure (the plan then grants the minimum).
    /// `parallel` is OLLAMA_NUM_PARALLEL: Ollama sizes the KV cache for num_ctx × it
    /// (server/sched.go, `effectiveLlamaServerContext`), so a token of num_ctx costs that
    /// many tokens of cache.
    public static func profile(role: Role, model: String, weightsBytes: Int64, info: [String: JSONValue],
                               cacheType: KVCache.CacheType, parallel: Int = 1) -> ModelProfile {
        do {
            let a = try KVCache.architecture(info)
            return ModelProfile(role: role, model: model, weightsBytes: weightsBytes,
                                kvBytesPerToken: KVCache.bytesPerToken(a, cacheType) * Double(max(parallel, 1)),
                                trainedContext: a.contextLength ?? 2048)
        } catch {
            return ModelProfile(role: role, model: model, weightsBytes: weightsBytes, kvBytesPerToken: nil,
                                trainedContext: 2048, warnings: ["\(model): \(error.description); planning its minimum context"])
        }
    }
}

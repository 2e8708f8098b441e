import Foundation

/// The memory arithmetic the simulator reports through `/api/ps` and the meminfo file.
/// Public so tests can compute the sizes they expect instead of hard-coding them.
extension SimulatedModel {
    /// The `num_ctx` a request gets when it does not set one. Ollama picks it from the VRAM
    /// tiers: server/routes.go `Serve` sets `s.defaultNumCtx` to 262144 from 47 GiB of VRAM,
    /// 32768 from 23 GiB, else 4096, and `modelOptions` applies it. The simulated machine is
    /// CPU-only (no VRAM): 4096.
    public static let defaultContextLength = 4096

    /// A `modelInfo` value under this model's architecture prefix ("<family>.<key>").
    public func architectureValue(_ key: String) -> Double? {
        modelInfo["\(family).\(key)"]
    }

    /// The context the model was trained for, if its metadata says.
    public var trainedContextLength: Int? {
        architectureValue("context_length").flatMap(Self.positiveInt)
    }

    /// The context a load really gets. Ollama clamps a larger `num_ctx` to the trained
    /// context rather than refusing it, so the simulator does the same.
    public func effectiveContextLength(requested: Int?) -> Int {
        let wanted = requested.flatMap { $0 > 0 ? $0 : nil } ?? Self.defaultContextLength
        guard let trained = trainedContextLength else { return wanted }
        return min(wanted, trained)
    }

    /// KV-cache bytes for `contextLength` tokens:
    /// block_count × (key_length + value_length) × head_count_kv × bytesPerElement × contextLength.
    /// Key/value lengths default to embedding_length / head_count (qwen2 omits them), and
    /// head_count_kv defaults to head_count (no grouped-query attention).
    public func kvCacheBytes(contextLength: Int, bytesPerElement: Double) -> Int64 {
        guard let blocks = architectureValue("block_count"),
              let heads = architectureValue("attention.head_count"), heads > 0
        else { return 0 }
        let kvHeads = architectureValue("attention.head_count_kv") ?? heads
        let perHead = (architectureValue("embedding_length") ?? 0) / heads
        let keyLength = architectureValue("attention.key_length") ?? perHead
        let valueLength = architectureValue("attention.value_length") ?? perHead
        let bytes = blocks * (keyLength + valueLength) * kvHeads * bytesPerElement * Double(contextLength)
        return Self.clampedBytes(bytes)
    }

    /// A fixed 5% of the weights for compute buffers, so footprints stay deterministic.
    public var computeOverheadBytes: Int64 { sizeBytes / 20 }

    /// What a loaded model occupies: weights + KV cache + compute overhead ("size" in `/api/ps`).
    /// The KV cache holds `contextLength × numParallel` tokens: Ollama sizes the runner for
    /// server/sched.go `effectiveLlamaServerContext(numCtx, f, numParallel)` =
    /// effectiveModelContext × max(numParallel, 1), while `/api/ps` still reports num_ctx.
    public func memoryFootprint(contextLength: Int, kvBytesPerElement: Double = 2.0, numParallel: Int = 1) -> Int64 {
        let tokens = contextLength * max(numParallel, 1)
        return sizeBytes + kvCacheBytes(contextLength: tokens, bytesPerElement: kvBytesPerElement) + computeOverheadBytes
    }

    /// The footprint under a simulator configuration: its parallelism and KV cache type.
    public func memoryFootprint(contextLength: Int, configuration: SimulatorConfiguration) -> Int64 {
        memoryFootprint(
            contextLength: contextLength, kvBytesPerElement: configuration.effectiveKVBytesPerElement,
            numParallel: configuration.numParallel)
    }

    /// Length of the vectors `/api/embed` returns (384 for all-minilm).
    var embeddingDimensions: Int {
        let declared = architectureValue("embedding_length").flatMap(Self.positiveInt) ?? 384
        return min(declared, 16_384)
    }

    /// "22B" → 22_000_000_000, "23M" → 23_000_000; 0 when the string is not of that shape.
    var parameterCount: Int64 {
        let text = parameterSize.trimmingCharacters(in: .whitespaces).uppercased()
        let scales: [Character: Double] = ["K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12]
        guard let suffix = text.last, let scale = scales[suffix],
              let value = Double(text.dropLast()) else { return 0 }
        return Self.clampedBytes(value * scale)
    }

    /// Metadata comes from configuration, not requests, but a NaN or huge value must
    /// still not trap the server in `Int64(_:)`.
    static func clampedBytes(_ value: Double) -> Int64 {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 9e18 ? Int64(9e18) : Int64(value.rounded())
    }

    private static func positiveInt(_ value: Double) -> Int? {
        guard value.isFinite, value >= 1, value < 1e12 else { return nil }
        return Int(value)
    }
}

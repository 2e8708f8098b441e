import Foundation

/// One model the simulator pretends to have pulled: what `/api/tags` lists, what `/api/show`
/// describes, and what a load puts into (simulated) memory.
public struct SimulatedModel: Sendable, Codable, Equatable {
    /// Full name with tag, e.g. "qwen2.5-coder:7b-instruct-q4_K_M".
    public var name: String
    /// GGUF architecture, e.g. "llama", "qwen2", "bert"; also the prefix of the `modelInfo` keys.
    public var family: String
    /// As Ollama prints it, e.g. "22B", "7.6B", "23M".
    public var parameterSize: String
    /// As Ollama prints it, e.g. "Q4_K_M", "F16".
    public var quantization: String
    /// Weights on disk, and in memory once loaded.
    public var sizeBytes: Int64
    /// Numeric GGUF metadata, keyed like Ollama's `model_info`, e.g. "llama.block_count": 56.
    public var modelInfo: [String: Double]
    /// Embedding models answer `/api/embed` and refuse generate/chat.
    public var isEmbedding: Bool

    public init(
        name: String,
        family: String,
        parameterSize: String,
        quantization: String,
        sizeBytes: Int64,
        modelInfo: [String: Double],
        isEmbedding: Bool = false
    ) {
        self.name = name
        self.family = family
        self.parameterSize = parameterSize
        self.quantization = quantization
        self.sizeBytes = sizeBytes
        self.modelInfo = modelInfo
        self.isEmbedding = isEmbedding
    }
}

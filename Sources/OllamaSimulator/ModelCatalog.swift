import Foundation

/// The models the simulator offers by default.
public enum ModelCatalog {
    /// The three Trinity models and all-minilm, with their real architecture numbers, so
    /// KV-cache and memory arithmetic in clients meets the same values as against real Ollama.
    public static let trinity: [SimulatedModel] = [codestral, qwenCoder7B, qwenCoder1_5B, allMiniLM]

    public static let codestral = SimulatedModel(
        name: "codestral:22b-v0.1-q4_K_M",
        family: "llama",
        parameterSize: "22B",
        quantization: "Q4_K_M",
        sizeBytes: 13_400_000_000,
        modelInfo: [
            "llama.block_count": 56,
            "llama.attention.head_count": 48,
            "llama.attention.head_count_kv": 8,
            "llama.embedding_length": 6144,
            "llama.attention.key_length": 128,
            "llama.attention.value_length": 128,
            "llama.context_length": 32768,
        ]
    )

    /// qwen2 GGUFs carry no key_length/value_length: clients must derive 3584 / 28 = 128.
    public static let qwenCoder7B = SimulatedModel(
        name: "qwen2.5-coder:7b-instruct-q4_K_M",
        family: "qwen2",
        parameterSize: "7.6B",
        quantization: "Q4_K_M",
        sizeBytes: 4_700_000_000,
        modelInfo: [
            "qwen2.block_count": 28,
            "qwen2.attention.head_count": 28,
            "qwen2.attention.head_count_kv": 4,
            "qwen2.embedding_length": 3584,
            "qwen2.context_length": 32768,
        ]
    )

    public static let qwenCoder1_5B = SimulatedModel(
        name: "qwen2.5-coder:1.5b-instruct-q4_K_M",
        family: "qwen2",
        parameterSize: "1.5B",
        quantization: "Q4_K_M",
        sizeBytes: 986_000_000,
        modelInfo: [
            "qwen2.block_count": 28,
            "qwen2.attention.head_count": 12,
            "qwen2.attention.head_count_kv": 2,
            "qwen2.embedding_length": 1536,
            "qwen2.context_length": 32768,
        ]
    )

    public static let allMiniLM = SimulatedModel(
        name: "all-minilm:latest",
        family: "bert",
        parameterSize: "23M",
        quantization: "F16",
        sizeBytes: 45_960_000,
        modelInfo: [
            "bert.block_count": 6,
            "bert.attention.head_count": 12,
            "bert.embedding_length": 384,
            "bert.context_length": 512,
        ],
        isEmbedding: true
    )
}

/// KV-cache size per token, as llama.cpp (and so Ollama) allocates it:
///
///     Σ over attention layers of (key_length + value_length) × head_count_kv × bytes_per_element
///
/// from `/api/show`'s `model_info`: `<arch>.block_count`, `<arch>.attention.head_count_kv`,
/// `<arch>.attention.key_length` / `value_length`, or, where those are absent,
/// `<arch>.embedding_length / <arch>.attention.head_count` for both.
///
/// Checked by hand for the Trinity (f16, 2 bytes an element):
/// - codestral:22b (llama): 56 layers × (128 + 128) × 8 KV heads × 2 = 229,376 B/token
///   → 2.29 GB per 10k tokens (the seed's table says 0.8).
/// - qwen2.5-coder:7b (qwen2): 28 × (3584/28 = 128, twice: 256) × 4 × 2 = 57,344 B/token
///   → 0.57 GB per 10k (seed: 0.34).
/// - qwen2.5-coder:1.5b (qwen2): 28 × (1536/12 = 128 → 256) × 2 × 2 = 28,672 B/token
///   → 0.29 GB per 10k (seed: 0.15).
public enum KVCache {
    public enum CacheType: String, Sendable, CaseIterable {
        case f16, q8_0, q4_0

        /// Bytes per element; the quantized types carry a block scale (34/32 and 18/32).
        public var bytesPerElement: Double {
            switch self {
            case .f16: 2
            case .q8_0: 34.0 / 32
            case .q4_0: 18.0 / 32
            }
        }
    }

    public struct Architecture: Sendable, Equatable {
        public var name: String
        public var blockCount: Double
        public var headCountKV: Double
        public var keyLength: Double
        public var valueLength: Double
        public var contextLength: Int?
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self { case .missing(let k): "model_info has no \(k)" }
        }
    }

    public static func architecture(_ info: [String: JSONValue]) throws(Failure) -> Architecture {
        let arch = info["general.architecture"]?.string
            ?? info.keys.first(where: { $0.hasSuffix(".block_count") }).map { String($0.dropLast(".block_count".count)) }
        guard let a = arch else { throw .missing("general.architecture") }
        func number(_ key: String) -> Double? { info["\(a).\(key)"]?.number.flatMap { $0 > 0 ? $0 : nil } }
        guard let blocks = number("block_count") else { throw .missing("\(a).block_count") }
        let heads = number("attention.head_count")
        let kvHeads = number("attention.head_count_kv") ?? heads  // no GQA: every head has its KV
        guard let headCountKV = kvHeads else { throw .missing("\(a).attention.head_count_kv") }
        let perHead = number("embedding_length").flatMap { e in heads.map { e / $0 } }
        guard let key = number("attention.key_length") ?? perHead else { throw .missing("\(a).attention.key_length") }
        let value = number("attention.value_length") ?? perHead ?? key
        return Architecture(name: a, blockCount: blocks, headCountKV: headCountKV, keyLength: key, valueLength: value,
                            contextLength: number("context_length").map { Int($0) })
    }

    public static func bytesPerToken(_ a: Architecture, _ type: CacheType = .f16) -> Double {
        a.blockCount * (a.keyLength + a.valueLength) * a.headCountKV * type.bytesPerElement
    }
}

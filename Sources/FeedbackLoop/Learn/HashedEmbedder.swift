/// The local fallback embedder: words, word pairs and character trigrams hashed into
/// a fixed number of signed buckets (the "hashing trick"), then normalised. It knows
/// no meaning, only shared spelling — enough to find the same function or error text
/// again, and it never needs a model. Deterministic across runs and machines.
public struct HashedEmbedder: Sendable {
    public static let dimensions = 256
    /// Stored with each vector: vectors of different embedders are never compared.
    public static let id = "hashed-ngrams-256-v1"

    public init() {}

    public func embed(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: Self.dimensions)
        let words = Self.words(text)
        for (i, w) in words.enumerated() {
            add(&v, w, weight: 1)
            if i > 0 { add(&v, words[i - 1] + " " + w, weight: 0.7) }
            let chars = Array(("^" + w + "$").utf8)
            if chars.count > 3 {
                for j in 0...(chars.count - 3) { add(&v, chars[j..<(j + 3)], weight: 0.4) }
            }
        }
        return Vector.normalized(v) ?? v
    }

    /// Lower-case runs of letters and digits; `snake_case` and `camelCase` split too,
    /// so `execute_task_with_context` shares words with `executeTask`.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var previousLower = false
        for ch in text.unicodeScalars.prefix(8192) {
            let isAlnum = ch.properties.isAlphabetic || ("0"..."9").contains(ch)
            if !isAlnum {
                if !current.isEmpty { out.append(current) }
                current = ""
                previousLower = false
                continue
            }
            let upper = ch.properties.isUppercase
            if upper, previousLower, !current.isEmpty {
                out.append(current)
                current = ""
            }
            current += String(ch).lowercased()
            previousLower = ch.properties.isLowercase
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private func add(_ v: inout [Float], _ feature: String, weight: Float) {
        add(&v, feature.utf8, weight: weight)
    }

    private func add<C: Collection>(_ v: inout [Float], _ bytes: C, weight: Float) where C.Element == UInt8 {
        // FNV-1a, 64 bit: the low bits pick the bucket, a high bit the sign, so
        // collisions cancel on average instead of piling up.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let bucket = Int(h % UInt64(Self.dimensions))
        v[bucket] += (h >> 63) == 0 ? weight : -weight
    }
}

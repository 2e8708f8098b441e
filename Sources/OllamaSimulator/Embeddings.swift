/// Deterministic, unit-length embeddings from hashed character trigrams: texts that share
/// substrings get similar vectors, so similarity-based client code behaves plausibly.
enum Embeddings {
    static func vector(for text: String, dimensions: Int) -> [Float] {
        let size = max(1, dimensions)
        var sums = [Double](repeating: 0, count: size)
        let scalars = Array((" " + text.lowercased() + " ").unicodeScalars)
        if scalars.count >= 3 {
            for start in 0...(scalars.count - 3) {
                var hasher = FNV1a()
                for scalar in scalars[start..<(start + 3)] { hasher.add(scalar) }
                let hash = SplitMix64(seed: hasher.value).peek()
                sums[Int(hash % UInt64(size))] += (hash >> 63) == 0 ? 1 : -1
            }
        }
        let norm = sums.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // Text without trigrams (empty input) still needs a unit vector.
        guard norm > 0 else { return [1] + [Float](repeating: 0, count: size - 1) }
        return sums.map { Float($0 / norm) }
    }
}

private extension SplitMix64 {
    /// One well-mixed value from a seed, to spread FNV's weak low bits over all dimensions.
    func peek() -> UInt64 {
        var copy = self
        return copy.next()
    }
}

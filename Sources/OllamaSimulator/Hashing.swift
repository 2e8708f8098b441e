/// Stable hashing and pseudo-randomness. Swift's `Hasher` is seeded per process and the
/// standard library's random algorithms may change between versions; answers must stay the
/// same across runs and toolchains, so the simulator carries its own.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
    }

    mutating func add(_ scalar: Unicode.Scalar) {
        var word = scalar.value
        for _ in 0..<4 {
            add(UInt8(truncatingIfNeeded: word))
            word >>= 8
        }
    }

    static func hash(_ text: String) -> UInt64 {
        var hasher = FNV1a()
        hasher.add(text)
        return hasher.value
    }
}

/// SplitMix64: tiny, well mixed, and fully specified here.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    init(text: String) {
        self.init(seed: FNV1a.hash(text))
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform enough in 0..<bound for picking words; bound must be positive.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(1, bound)))
    }

    mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// In [0, 1).
    mutating func fraction() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// A 64-hex-digit string that looks like a sha256 digest.
    static func digest(of text: String) -> String {
        var generator = SplitMix64(text: text)
        return (0..<4).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

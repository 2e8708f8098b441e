import CQuoteIndex

/// Where a line's quotes are, found in the same pass that tells the line is plain
/// (ASCII, no backslash, no control byte): a bit per byte set where a quote is (the
/// "structural index" of simdjson) — sixteen bytes a step with SSE2 on x86-64, eight
/// elsewhere (SWAR). The walk then
/// finds a string's closing quote with a mask and a trailing-zero count instead of a
/// search (`LineParser.PlainString`).
///
/// One per scanner (a fixed buffer, reused line after line; never shared across
/// threads). Lines longer than `maxBytes` are not indexed: they take the general
/// parse, which accepts and refuses the same lines.
final class QuoteIndex {
    /// Bit `k` of word `k / 64` is set when byte `k` of the line is a quote.
    let bits: UnsafeMutablePointer<UInt64>
    let maxBytes: Int

    init(capacity maxBytes: Int) {
        self.maxBytes = maxBytes
        bits = .allocate(capacity: maxBytes / 64 + 1)
    }

    deinit { bits.deallocate() }

    /// The number of bitmap words the line filled, or nil when the line is not plain
    /// (or too long). With SSE2, sixteen bytes a step (`quote_index.h`): in the cold
    /// cycle's profile this index was the scan's largest part, 16% of its time in SWAR.
    @inline(__always)
    func indexPlain(_ p: UnsafeRawBufferPointer) -> Int? {
        #if arch(x86_64)  // SSE2 is part of x86-64 itself
        let n = p.count
        guard n <= maxBytes, let base = p.baseAddress else { return n <= maxBytes ? 0 : nil }
        return consciousness_index_quotes(base.assumingMemoryBound(to: UInt8.self), n, bits) == 0 ? (n + 63) >> 6 : nil
        #else
        return indexPlainPortable(p)
        #endif
    }

    /// `indexPlain` eight bytes a step in plain Swift: where there is no SSE2, and the
    /// oracle the SSE2 index is held to.
    @inline(__always)
    func indexPlainPortable(_ p: UnsafeRawBufferPointer) -> Int? {
        let n = p.count
        guard n <= maxBytes, let base = p.baseAddress else { return n <= maxBytes ? 0 : nil }
        var special: UInt64 = 0
        var i = 0
        // Whole 64-byte blocks, eight words each: constant shifts, one store.
        while i + 64 <= n {
            var mask: UInt64 = 0
            for k in 0..<8 {
                let w = base.loadUnaligned(fromByteOffset: i + 8 * k, as: UInt64.self)
                special |= Self.special(w)
                mask |= Self.compress(Self.quotes(w)) << UInt64(8 * k)
            }
            bits[i >> 6] = mask
            i += 64
        }
        var mask: UInt64 = 0
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            special |= Self.special(w)
            mask |= Self.compress(Self.quotes(w)) << UInt64(i & 63)
            i += 8
        }
        if i < n {
            // The last n − i bytes, moved to the low end of a word; the bytes above
            // them, zeros, are masked off (a false alarm of the special test only ever
            // sits above a true one, so it is masked with them).
            let w = n >= 8 ? base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64(8 * (8 - (n - i)))
                : Self.word(base, n)
            let keep = ~UInt64(0) >> UInt64(8 * (8 - (n - i)))
            special |= Self.special(w) & keep
            mask |= Self.compress(Self.quotes(w) & keep) << UInt64(i & 63)
        }
        if n & 63 != 0 { bits[n >> 6] = mask }
        return special & 0x8080_8080_8080_8080 == 0 ? (n + 63) >> 6 : nil
    }

    /// Per byte, the high bit set for a quote, exactly (no carry crosses bytes).
    @inline(__always)
    private static func quotes(_ w: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = w ^ 0x2222_2222_2222_2222
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The high bit set in some byte if any byte is a backslash, below 0x20 or at or
    /// above 0x80 (the "has a zero byte" tricks: a false alarm only ever sits above a
    /// true one).
    @inline(__always)
    private static func special(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let slash = w ^ (0x5C &* ones)
        return ((slash &- ones) & ~slash) | ((w &- 0x20 &* ones) & ~w) | w
    }

    /// Each byte's high bit, gathered into the low eight bits in byte order: one
    /// multiply puts bit 8k + 7 at bit 56 + k, and no two products overlap.
    @inline(__always)
    private static func compress(_ highBits: UInt64) -> UInt64 {
        ((highBits >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// A line under eight bytes, as the low bytes of a word.
    private static func word(_ base: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var w: UInt64 = 0
        for k in 0..<n { w |= UInt64(base.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
        return w
    }
}

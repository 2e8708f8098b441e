/// An error signature is a violation's text with what varies between otherwise
/// identical violations taken out, so `… 14565 files missing …` and
/// `… 14572 files missing …` group together. Rules, applied word by word (a word is a
/// run of bytes between spaces; punctuation at its ends is kept):
///
/// - a word with a `/` in it is a path: `<path>`;
/// - a word of 8+ characters of letters, digits, `-` and `_` with 3+ digits and a
///   letter or separator (ids, UUIDs, hashes with a prefix) is an id: `<id>`;
/// - otherwise each run of digits — with `.` or `,` inside, as in `0.0` or `1,204` — is `#`.
///
/// Roman numerals are letters and survive, so the article stays readable in the
/// signature. The scanner calls this once per line, so it writes into a caller-owned
/// raw buffer (no array bookkeeping per byte) of at least `capacity(for:)` bytes.
public enum ErrorSignature {
    /// The longest output for an input: a one-byte word `/` becomes six bytes.
    public static func capacity(for inputLength: Int) -> Int { inputLength * 6 + 16 }

    /// Writes the signature of `text` into `out`, returning its length.
    ///
    /// Only a word holding a digit or a `/` can change (every rule needs one), so the
    /// text is searched for those eight bytes at a time and copied unchanged up to the
    /// word that holds one; that word alone goes through the rules.
    public static func normalize(_ text: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = text.baseAddress else { return 0 }
        return normalize(text, from: firstDigitOrSlash(base, 0, text.count), into: out)
    }

    /// The signature of `text`: `text` itself when no word changes, else its
    /// normalized copy in `scratch` (`capacity(for:)` bytes at least).
    @inline(__always)
    static func signature(of text: UnsafeRawBufferPointer, scratch: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = text.baseAddress else { return text }
        let k = firstDigitOrSlash(base, 0, text.count)
        if k == text.count { return text }
        return UnsafeRawBufferPointer(rebasing: scratch[0..<normalize(text, from: k, into: scratch)])
    }

    /// `normalize` with the first digit or slash already found at `k`.
    private static func normalize(_ text: UnsafeRawBufferPointer, from k: Int, into out: UnsafeMutableRawBufferPointer) -> Int {
        var w = Writer(out: out)
        let n = text.count
        guard let base = text.baseAddress else { return 0 }
        var copied = 0
        var k = k
        while k < n {
            var start = k, end = k + 1
            while start > copied, text[start - 1] != 0x20 { start -= 1 }
            while end < n, text[end] != 0x20 { end += 1 }
            w.put(UnsafeRawBufferPointer(rebasing: text[copied..<start]))
            normalizeWord(UnsafeRawBufferPointer(rebasing: text[start..<end]), &w)
            copied = end
            k = firstDigitOrSlash(base, end, n)
        }
        w.put(UnsafeRawBufferPointer(rebasing: text[copied..<n]))
        return w.count
    }

    /// The index of the first byte in 0x2F...0x39 (`/` and the digits) at or after
    /// `from`, or n: words of eight bytes with none are skipped by a bit trick (bytes
    /// at or above 0x80 send their word to the byte loop).
    @inline(__always)
    static func firstDigitOrSlash(_ base: UnsafeRawPointer, _ from: Int, _ n: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        var i = from
        while i + 8 <= n {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Per byte b < 0x80, b + 0x51 reaches 0x80 iff b ≥ 0x2F and b + 0x46 iff
            // b ≥ 0x3A; neither sum carries into the next byte.
            let low7 = x & (0x7F &* ones)
            let hit = (low7 &+ 0x51 &* ones) & ~(low7 &+ 0x46 &* ones)
            if (hit | x) & high != 0 { break }
            i += 8
        }
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b >= 0x2F && b <= 0x39 { return i }
            i += 1
        }
        return n
    }

    public static func normalize(_ s: String) -> String {
        var s = s
        return s.withUTF8 { text in
            let out = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity(for: text.count), alignment: 8)
            defer { out.deallocate() }
            let n = normalize(UnsafeRawBufferPointer(text), into: out)
            return String(decoding: UnsafeRawBufferPointer(rebasing: out[0..<n]), as: UTF8.self)
        }
    }

    struct Writer {
        let out: UnsafeMutableRawBufferPointer
        var count = 0

        @inline(__always) mutating func put(_ b: UInt8) {
            out[count] = b
            count += 1
        }

        @inline(__always) mutating func put(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count > 0 else { return }
            (out.baseAddress! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            count += bytes.count
        }

        @inline(__always) mutating func put(_ s: StaticString) {
            put(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
    }

    private static func normalizeWord(_ word: UnsafeRawBufferPointer, _ w: inout Writer) {
        // Keep leading and trailing punctuation (`(`, `,`, `.`, `:`) around the core.
        var lo = 0, hi = word.count
        while lo < hi, isEdgePunctuation(word[lo]) { lo += 1 }
        while hi > lo, isEdgePunctuation(word[hi - 1]) { hi -= 1 }
        w.put(UnsafeRawBufferPointer(rebasing: word[0..<lo]))
        let core = UnsafeRawBufferPointer(rebasing: word[lo..<hi])
        var digits = 0, letters = 0, separators = 0, slash = false, other = false
        for b in core {
            if isDigit(b) { digits += 1 } else if isLetter(b) { letters += 1 }
            else if b == 0x2D || b == 0x5F { separators += 1 }
            else if b == 0x2F { slash = true } else { other = true }
        }
        if slash {
            w.put("<path>")
        } else if digits == 0 {
            w.put(core)  // the common case: a plain word
        } else if core.count >= 8, digits >= 3, !other, letters + separators > 0 {
            w.put("<id>")
        } else {
            collapseNumbers(core, &w)
        }
        w.put(UnsafeRawBufferPointer(rebasing: word[hi..<word.count]))
    }

    @inline(__always)
    private static func isEdgePunctuation(_ b: UInt8) -> Bool {
        switch b {
        case 0x28, 0x29, 0x5B, 0x5D, 0x2C, 0x2E, 0x3A, 0x3B, 0x22, 0x27, 0x21, 0x3F: return true
        default: return false
        }
    }

    private static func collapseNumbers(_ s: UnsafeRawBufferPointer, _ w: inout Writer) {
        var i = 0
        let n = s.count
        while i < n {
            if isDigit(s[i]) {
                var j = i + 1
                while j < n, isDigit(s[j]) || ((s[j] == 0x2E || s[j] == 0x2C) && j + 1 < n && isDigit(s[j + 1])) {
                    j += 1
                }
                w.put(0x23)  // '#'
                i = j
            } else {
                w.put(s[i])
                i += 1
            }
        }
    }
}

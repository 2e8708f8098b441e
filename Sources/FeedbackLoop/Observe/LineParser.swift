/// Parses one line of the violations log — a JSON object — without building any
/// value: it finds the byte ranges of the string fields the loop needs and checks the
/// rest is well-formed JSON. Lines are ~200 bytes of ASCII, so string contents are
/// skipped eight bytes at a time (SWAR) until a quote, backslash, control byte or
/// non-ASCII byte shows up.
///
/// Nearly every line is "plain": ASCII, no backslash, no control byte. One pass over
/// the whole line, eight bytes a step, tells so and marks where its quotes are (a bitmap:
/// the "structural index" of simdjson, in SWAR): in a plain line every quote is a string's
/// edge and a string is valid whatever its content, so the walk then steps from quote
/// to quote and looks only at the few bytes between strings. Any other line takes the
/// general path, which decodes escapes and validates UTF-8: both accept and refuse
/// exactly the same lines.
struct LineParser {
    /// A string value: its content between the quotes, and whether it needs decoding.
    /// Offsets as 32 bits (a line is at most 64 KiB): twelve bytes, not twenty-four, in
    /// the copies the walk makes of each member.
    struct Field {
        private var from: Int32 = 0, to: Int32 = 0
        var escaped = false
        var nonASCII = false
        var present = false
        var isString = false

        var start: Int {
            get { Int(from) }
            set { from = Int32(truncatingIfNeeded: newValue) }
        }
        var end: Int {
            get { Int(to) }
            set { to = Int32(truncatingIfNeeded: newValue) }
        }
    }

    struct Fields {
        var timestamp = Field(), function = Field(), error = Field(), severity = Field()
    }

    enum Failure: Error { case json, utf8 }

    /// The known keys as little-endian words: told apart by length, then one or two
    /// integer comparisons (no static array to reach through a lazy global).
    private static let kTimes: UInt64 = 0x6D61_7473_656D_6974, kFunction: UInt64 = 0x6E6F_6974_636E_7566  // "timestam", "function"
    private static let kSeverity: UInt64 = 0x7974_6972_6576_6573, kError: UInt32 = 0x6F72_7265  // "severity", "erro"

    /// `quotes` is the scanner's own index, reused line after line; a line longer than
    /// its `maxBytes` takes the general parse.
    @inline(__always)
    static func parse(_ p: UnsafeRawBufferPointer, quotes: QuoteIndex) throws(Failure) -> Fields {
        guard let words = quotes.indexPlain(p) else { return try parseGeneral(p) }
        return try parsePlain(p, quotes, words)
    }

    /// No byte below 0x20, none at or above 0x80, no backslash (for tests: it allocates
    /// an index of its own).
    static func isPlain(_ p: UnsafeRawBufferPointer) -> Bool {
        QuoteIndex(capacity: p.count).indexPlain(p) != nil
    }

    /// `parseGeneral` for a plain line whose quotes `quotes` has indexed (in `words`
    /// words): the same grammar, the same answers.
    static func parsePlain(_ p: UnsafeRawBufferPointer, _ quotes: QuoteIndex, _ words: Int) throws(Failure) -> Fields {
        try walk(p, PlainString(bits: quotes.bits, words: words))
    }

    /// A plain line, indexed here (for tests: the scanner passes its own index).
    static func parsePlain(_ p: UnsafeRawBufferPointer) throws(Failure) -> Fields {
        let quotes = QuoteIndex(capacity: p.count)
        guard let words = quotes.indexPlain(p) else { preconditionFailure("not a plain line") }
        return try parsePlain(p, quotes, words)
    }

    /// Any line: escapes and UTF-8 checked where they occur.
    static func parseGeneral(_ p: UnsafeRawBufferPointer) throws(Failure) -> Fields {
        try walk(p, nil)
    }

    /// In a plain line every quote closes the string it is in: the string ends at the
    /// first indexed quote at or after `from`.
    struct PlainString {
        let bits: UnsafeMutablePointer<UInt64>
        let words: Int

        /// The index of the first quote at or after `from`, or −1 (no throw: this is
        /// inlined ten times a line).
        @inline(__always)
        func closingQuote(_ from: Int) -> Int {
            var k = from >> 6
            guard k < words else { return -1 }
            var m = bits[k] & (~UInt64(0) << UInt64(from & 63))
            while m == 0 {
                k += 1
                guard k < words else { return -1 }
                m = bits[k]
            }
            return k << 6 | m.trailingZeroBitCount
        }
    }

    /// A string's content, from just after its opening quote: through the index in a
    /// plain line, else byte by byte with escapes and UTF-8 checked.
    @inline(__always)
    private static func string(_ p: UnsafeRawBufferPointer, _ from: Int, _ plain: PlainString?) throws(Failure) -> Field {
        guard let plain else { return try anyString(p, from) }
        let end = plain.closingQuote(from)
        guard end >= 0 else { throw .json }
        var f = Field()
        f.start = from
        f.end = end
        return f
    }

    @inline(never)
    private static func anyString(_ p: UnsafeRawBufferPointer, _ from: Int) throws(Failure) -> Field {
        let f = try scanString(p, from)
        if f.nonASCII { try validateUTF8(p, f.start, f.end) }
        return f
    }

    /// The object's grammar, once, for both kinds of line (`plain` is nil or not at each
    /// of the two call sites, so each inlined copy loses the other branch).
    ///
    /// The usual spacing — `": "` and `", "` each followed by a string — is checked
    /// with one two-byte load; anything else goes the long way, with the same answer.
    @inline(__always)
    private static func walk(_ p: UnsafeRawBufferPointer, _ plain: PlainString?) throws(Failure) -> Fields {
        var f = Fields()
        let n = p.count
        var i = skipSpace(p, 0)
        guard i < n, p[i] == 0x7B else { throw .json }  // {
        i = skipSpace(p, i + 1)
        if i < n, p[i] == 0x7D { return try finish(p, i + 1, f) }
        while true {
            guard i < n, p[i] == 0x22 else { throw .json }
            let key = try string(p, i + 1, plain)
            i = key.end + 1
            if followsUsually(p, i, 0x203A) {  // ": "
                i += 2
            } else {
                i = skipSpace(p, i)
                guard i < n, p[i] == 0x3A else { throw .json }  // :
                i = skipSpace(p, i + 1)
                guard i < n else { throw .json }
            }
            var value = Field()
            if p[i] == 0x22 {
                value = try string(p, i + 1, plain)
                value.isString = true
                i = value.end + 1
            } else {
                i = try skipValue(p, i)
            }
            value.present = true
            if !key.escaped { assign(value, to: &f, key: UnsafeRawBufferPointer(rebasing: p[key.start..<key.end])) }
            if followsUsually(p, i, 0x202C) { i += 2; continue }  // ", "
            i = skipSpace(p, i)
            guard i < n else { throw .json }
            if p[i] == 0x2C { i = skipSpace(p, i + 1); continue }  // ,
            guard p[i] == 0x7D else { throw .json }
            return try finish(p, i + 1, f)
        }
    }

    /// Whether `p[i...]` starts with the two bytes `pair` (little-endian) and a quote.
    @inline(__always)
    private static func followsUsually(_ p: UnsafeRawBufferPointer, _ i: Int, _ pair: UInt16) -> Bool {
        i + 2 < p.count && p.loadUnaligned(fromByteOffset: i, as: UInt16.self) == pair && p[i + 2] == 0x22
    }

    @inline(__always)
    private static func finish(_ p: UnsafeRawBufferPointer, _ i: Int, _ f: Fields) throws(Failure) -> Fields {
        guard skipSpace(p, i) == p.count else { throw .json }
        return f
    }

    @inline(__always)
    private static func assign(_ v: Field, to f: inout Fields, key: UnsafeRawBufferPointer) {
        // JSON allows a key twice; like Python's json.loads, the last one wins.
        guard let base = key.baseAddress else { return }
        switch key.count {
        case 9 where word(base) == kTimes && key[8] == 0x70: f.timestamp = v  // …p
        case 8:
            let w = word(base)
            if w == kFunction { f.function = v } else if w == kSeverity { f.severity = v }
        case 5 where base.loadUnaligned(as: UInt32.self) == kError && key[4] == 0x72: f.error = v  // …r
        default: break
        }
    }

    @inline(__always)
    private static func word(_ p: UnsafeRawPointer) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }

    @inline(__always)
    private static func equal(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        for k in 0..<b.count where a[k] != b[k] { return false }
        return true
    }

    @inline(__always)
    static func skipSpace(_ p: UnsafeRawBufferPointer, _ from: Int) -> Int {
        var i = from
        while i < p.count {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return i
            }
        }
        return i
    }

    /// Scans a string's content starting after its opening quote; `end` is the index of
    /// the closing quote.
    @inline(__always)
    static func scanString(_ p: UnsafeRawBufferPointer, _ from: Int) throws(Failure) -> Field {
        var f = Field()
        f.start = from
        let n = p.count
        var i = from
        let base = p.baseAddress!
        i = skipPlain(base, i, n)
        while i < n {
            let b = p[i]
            if b == 0x22 { f.end = i; return f }
            if b == 0x5C {
                f.escaped = true
                guard i + 1 < n else { throw .json }
                switch p[i + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                case 0x75:
                    guard i + 6 <= n, (2..<6).allSatisfy({ isHex(p[i + $0]) }) else { throw .json }
                    i += 6
                default: throw .json
                }
                continue
            }
            if b < 0x20 { throw .json }
            if b >= 0x80 { f.nonASCII = true }
            i += 1
            i = skipPlain(base, i, n)  // back to the fast path after a special byte
        }
        throw .json
    }

    /// Skips eight bytes at a time while none is special: no '"', no '\\', none below
    /// 0x20, none at or above 0x80 (the classic "has a zero byte" bit tricks; a false
    /// alarm only sends a word to the byte-by-byte path).
    @inline(__always)
    private static func skipPlain(_ base: UnsafeRawPointer, _ from: Int, _ n: Int) -> Int {
        var i = from
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = w ^ (0x22 &* ones), slash = w ^ (0x5C &* ones)
            let special = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | ((w &- 0x20 &* ones) & ~w) | w
            if special & high != 0 { break }
            i += 8
        }
        return i
    }

    @inline(__always) private static func isHex(_ b: UInt8) -> Bool {
        isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66)
    }

    /// Skips a non-string value: a number, a literal, or a nested object or array
    /// (tracked by depth, strings inside skipped properly).
    private static func skipValue(_ p: UnsafeRawBufferPointer, _ from: Int) throws(Failure) -> Int {
        let n = p.count
        var i = from
        switch p[i] {
        case 0x7B, 0x5B:  // { [
            var depth = 0
            while i < n {
                switch p[i] {
                case 0x7B, 0x5B: depth += 1; i += 1
                case 0x7D, 0x5D:
                    depth -= 1; i += 1
                    if depth == 0 { return i }
                case 0x22:
                    let s = try scanString(p, i + 1)
                    if s.nonASCII { try validateUTF8(p, s.start, s.end) }
                    i = s.end + 1
                case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x3A: i += 1
                default:
                    guard isScalarByte(p[i]) else { throw .json }
                    i += 1
                }
            }
            throw .json
        default:
            let start = i
            while i < n, isScalarByte(p[i]) { i += 1 }
            guard i > start, isScalar(UnsafeRawBufferPointer(rebasing: p[start..<i])) else { throw .json }
            return i
        }
    }

    private static func isScalarByte(_ b: UInt8) -> Bool {
        isAlnum(b) || b == 0x2D || b == 0x2B || b == 0x2E
    }

    private static let literals: [[UInt8]] = [Array("true".utf8), Array("false".utf8), Array("null".utf8)]

    private static func isScalar(_ t: UnsafeRawBufferPointer) -> Bool {
        if literals.contains(where: { $0.count == t.count && equal(t, $0) }) { return true }
        // A JSON number: -?digits(.digits)?([eE][+-]?digits)?
        var i = 0
        let n = t.count
        if t[i] == 0x2D { i += 1 }
        let intStart = i
        while i < n, isDigit(t[i]) { i += 1 }
        guard i > intStart, !(t[intStart] == 0x30 && i - intStart > 1) else { return false }
        if i < n, t[i] == 0x2E {
            i += 1
            let s = i
            while i < n, isDigit(t[i]) { i += 1 }
            guard i > s else { return false }
        }
        if i < n, t[i] | 0x20 == 0x65 {
            i += 1
            if i < n, t[i] == 0x2B || t[i] == 0x2D { i += 1 }
            let s = i
            while i < n, isDigit(t[i]) { i += 1 }
            guard i > s else { return false }
        }
        return i == n
    }

    static func validateUTF8(_ p: UnsafeRawBufferPointer, _ from: Int, _ to: Int) throws(Failure) {
        var iterator = UnsafeRawBufferPointer(rebasing: p[from..<to]).makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return
            case .error: throw .utf8
            }
        }
    }
}

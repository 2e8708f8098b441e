/// Parses one line of the violations log — a JSON object — without building any
/// value: it finds the byte ranges of the string fields the loop needs and checks the
/// rest is well-formed JSON. Lines are ~200 bytes of ASCII, so string contents are
/// skipped eight bytes at a time (SWAR) until a quote, backslash, control byte or
/// non-ASCII byte shows up.
///
/// Nearly every line is "plain": ASCII, no backslash, no control byte. One pass over
/// the whole line, eight bytes a step, tells so; then every quote is a string's edge,
/// a string is valid whatever its content, and the walk only looks for quotes and the
/// few bytes between strings. Any other line takes the general path, which decodes
/// escapes and validates UTF-8: both accept and refuse exactly the same lines.
struct LineParser {
    /// A string value: its content between the quotes, and whether it needs decoding.
    struct Field {
        var start = 0, end = 0
        var escaped = false
        var nonASCII = false
        var present = false
        var isString = false
    }

    struct Fields {
        var timestamp = Field(), function = Field(), error = Field(), severity = Field()
    }

    enum Failure: Error { case json, utf8 }

    /// The known keys as little-endian words: told apart by length, then one or two
    /// integer comparisons (no static array to reach through a lazy global).
    private static let kTimes: UInt64 = 0x6D61_7473_656D_6974, kFunction: UInt64 = 0x6E6F_6974_636E_7566  // "timestam", "function"
    private static let kSeverity: UInt64 = 0x7974_6972_6576_6573, kError: UInt32 = 0x6F72_7265  // "severity", "erro"

    static func parse(_ p: UnsafeRawBufferPointer) throws(Failure) -> Fields {
        isPlain(p) ? try parsePlain(p) : try parseGeneral(p)
    }

    /// No byte below 0x20, none at or above 0x80, no backslash (SWAR, as `skipPlain`).
    @inline(__always)
    static func isPlain(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        guard let base = p.baseAddress else { return true }
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let slash = w ^ (0x5C &* ones)
            acc |= ((slash &- ones) & ~slash) | ((w &- 0x20 &* ones) & ~w) | w
            i += 8
        }
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b < 0x20 || b >= 0x80 || b == 0x5C { return false }
            i += 1
        }
        return acc & high == 0
    }

    /// The index of the next '"' at or after `from` (n if none): eight bytes a step,
    /// the lowest zero byte of `w ^ quotes` found exactly (a borrow only ever marks
    /// bytes above a true zero).
    @inline(__always)
    static func nextQuote(_ base: UnsafeRawPointer, _ from: Int, _ n: Int) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        var i = from
        while i + 8 <= n {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ (0x22 &* ones)
            let t = (x &- ones) & ~x & high
            if t != 0 { return i + t.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n, base.load(fromByteOffset: i, as: UInt8.self) != 0x22 { i += 1 }
        return i
    }

    /// `parseGeneral` for a plain line: the same grammar, the same answers.
    static func parsePlain(_ p: UnsafeRawBufferPointer) throws(Failure) -> Fields {
        try walk(p, PlainString.self)
    }

    /// Any line: escapes and UTF-8 checked where they occur.
    static func parseGeneral(_ p: UnsafeRawBufferPointer) throws(Failure) -> Fields {
        try walk(p, AnyString.self)
    }

    /// How a string's content is found, from just after its opening quote.
    protocol StringScan {
        static func scan(_ p: UnsafeRawBufferPointer, _ from: Int) throws(Failure) -> Field
    }

    /// In a plain line every quote closes the string it is in.
    enum PlainString: StringScan {
        @inline(__always)
        static func scan(_ p: UnsafeRawBufferPointer, _ from: Int) throws(Failure) -> Field {
            var f = Field()
            f.start = from
            f.end = nextQuote(p.baseAddress!, from, p.count)
            guard f.end < p.count else { throw .json }
            return f
        }
    }

    enum AnyString: StringScan {
        @inline(__always)
        static func scan(_ p: UnsafeRawBufferPointer, _ from: Int) throws(Failure) -> Field {
            let f = try scanString(p, from)
            if f.nonASCII { try validateUTF8(p, f.start, f.end) }
            return f
        }
    }

    /// The object's grammar, once, for both kinds of string scan.
    @inline(__always)
    private static func walk<S: StringScan>(_ p: UnsafeRawBufferPointer, _: S.Type) throws(Failure) -> Fields {
        var f = Fields()
        let n = p.count
        var i = skipSpace(p, 0)
        guard i < n, p[i] == 0x7B else { throw .json }  // {
        i = skipSpace(p, i + 1)
        if i < n, p[i] == 0x7D { return try finish(p, i + 1, f) }
        while true {
            guard i < n, p[i] == 0x22 else { throw .json }
            let key = try S.scan(p, i + 1)
            i = skipSpace(p, key.end + 1)
            guard i < n, p[i] == 0x3A else { throw .json }  // :
            i = skipSpace(p, i + 1)
            guard i < n else { throw .json }
            var value = Field()
            if p[i] == 0x22 {
                value = try S.scan(p, i + 1)
                value.isString = true
                i = value.end + 1
            } else {
                i = try skipValue(p, i)
            }
            value.present = true
            if !key.escaped { assign(value, to: &f, key: UnsafeRawBufferPointer(rebasing: p[key.start..<key.end])) }
            i = skipSpace(p, i)
            guard i < n else { throw .json }
            if p[i] == 0x2C { i = skipSpace(p, i + 1); continue }  // ,
            guard p[i] == 0x7D else { throw .json }
            return try finish(p, i + 1, f)
        }
    }

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

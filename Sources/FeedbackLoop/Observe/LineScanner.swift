#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Folds log lines into an `IngestBatch`. One scanner per thread: it owns its
/// interners and scratch buffers, so the hot path takes no lock and allocates only
/// when it meets a function, signature or severity for the first time.
///
/// A line goes through four steps — its fields found (`LineParser`), its timestamp
/// read (`Timestamp.Reader`), its names turned into ids, its bucket counted — which
/// `ScanPhases` can stop after, to show where a scan's time goes.
struct LineScanner: LineConsumer {
    static let maxLineBytes = 64 * 1024

    /// The last step a line is taken through: `.buckets` in every real scan.
    enum Phase: Int, CaseIterable, Sendable {
        case fields, timestamps, interning, buckets
    }

    private let stopAfter: Phase
    private var functions = ByteInterner()
    private var signatures = ByteInterner()
    private var severities = ByteInterner(capacity: 8)
    private var signatureArticles: [ArticleSet] = []
    private var buckets = BucketIndex()
    private var times = Timestamp.Reader()
    /// The previous line's values: a field equal to it is not hashed again.
    private let lastFunction = LastValue(), lastError = LastValue(), lastSeverity = LastValue()
    private var malformed = MalformedTally()
    private var lines: Int64 = 0
    private var ingested: Int64 = 0
    private var blank: Int64 = 0
    /// Raw error text → signature id, so a text seen before skips normalisation.
    /// Bounded: texts with ever-new numbers would otherwise grow it without end.
    private var rawErrors = ByteInterner()
    private var rawErrorSignature: [Int32] = []
    private static let rawErrorLimit = 4096
    private let normalized: Scratch
    private let unknownSeverity: [UInt8] = Array("UNKNOWN".utf8)

    /// Timestamps outside this range are malformed (`out_of_range`): a line dated 1970
    /// or 9999 would otherwise stretch every hourly series across millennia.
    private let validTimes: ClosedRange<Microseconds>?

    init(validTimes: ClosedRange<Microseconds>? = nil, stopAfter: Phase = .buckets) {
        self.validTimes = validTimes
        self.stopAfter = stopAfter
        normalized = Scratch(bytes: ErrorSignature.capacity(for: Self.maxLineBytes))
    }

    /// One complete line, newline excluded. Line numbers are counted from 1 within
    /// this scanner; the caller offsets them.
    mutating func consume(_ raw: UnsafeRawBufferPointer) {
        lines += 1
        var line = raw
        if let last = line.last, last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.count > Self.maxLineBytes { return reject(.lineTooLong) }
        if LineParser.skipSpace(line, 0) == line.count { blank += 1; return }
        let f: LineParser.Fields
        do { f = try LineParser.parse(line) } catch {
            return reject(error == .utf8 ? .invalidUTF8 : .invalidJSON)
        }
        guard f.timestamp.present, f.function.present, f.error.present else { return reject(.missingField) }
        guard f.timestamp.isString, f.function.isString, f.error.isString else { return reject(.wrongType) }
        if stopAfter == .fields { return }
        guard let ts = time(line, f.timestamp) else { return reject(.badTimestamp) }
        if let validTimes, !validTimes.contains(ts) { return reject(.outOfRange) }
        guard f.function.end > f.function.start else { return reject(.missingField) }
        if stopAfter == .timestamps { return }
        let function = Self.decoded(line, f.function) { lastFunction.id($0) { functions.intern($0) } }
        let signature = Self.decoded(line, f.error) { text in
            lastError.id(text) {
                Self.internSignature($0, normalized, &signatures, &signatureArticles, &rawErrors, &rawErrorSignature)
            }
        }
        let severity = f.severity.isString
            ? Self.decoded(line, f.severity) { lastSeverity.id($0) { severities.intern($0) } }
            : unknownSeverity.withUnsafeBytes { severities.intern($0) }
        if stopAfter == .interning { return }
        buckets.add(BucketKey(function: function, signature: signature, hour: Timestamp.hour(of: ts)),
                    BucketTotals(count: 1, first: ts, last: ts, severityMask: BucketTotals.severityBit(severity)))
        ingested += 1
    }

    @inline(__always)
    private mutating func time(_ line: UnsafeRawBufferPointer, _ f: LineParser.Field) -> Microseconds? {
        guard !f.escaped else { return Self.decoded(line, f, Timestamp.parse) }
        return times.parse(UnsafeRawBufferPointer(rebasing: line[f.start..<f.end]))
    }

    /// A line cut off by the 64 KiB limit before its newline was found.
    mutating func consumeOversizedLine() {
        lines += 1
        reject(.lineTooLong)
    }

    private mutating func reject(_ reason: MalformedReason) {
        malformed.record(reason, line: lines)
    }

    private static func internSignature(_ text: UnsafeRawBufferPointer, _ scratch: Scratch,
                                        _ signatures: inout ByteInterner, _ articles: inout [ArticleSet],
                                        _ raw: inout ByteInterner, _ rawSignature: inout [Int32]) -> Int32 {
        if let r = raw.id(of: text) { return rawSignature[Int(r)] }
        let id = normalizedID(text, scratch, &signatures, &articles)
        if raw.count < rawErrorLimit {
            _ = raw.intern(text)
            rawSignature.append(id)
        }
        return id
    }

    private static func normalizedID(_ text: UnsafeRawBufferPointer, _ scratch: Scratch,
                                     _ signatures: inout ByteInterner, _ articles: inout [ArticleSet]) -> Int32 {
        let n = ErrorSignature.normalize(text, into: scratch.buffer)
        let sig = UnsafeRawBufferPointer(rebasing: scratch.buffer[0..<n])
        let id = signatures.intern(sig)
        if Int(id) == articles.count { articles.append(ArticleSet.parse(sig)) }
        return id
    }

    /// Hands `body` the field's bytes, decoding JSON escapes first when there are any
    /// (rare, so that path may allocate).
    @inline(__always)
    private static func decoded<R>(_ line: UnsafeRawBufferPointer, _ f: LineParser.Field,
                                   _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let raw = UnsafeRawBufferPointer(rebasing: line[f.start..<f.end])
        guard f.escaped else { return body(raw) }
        var out: [UInt8] = []
        JSONString.unescape(raw, into: &out)
        return out.withUnsafeBytes(body)
    }

    func batch(bytes: Int64) -> IngestBatch {
        var b = IngestBatch()
        b.functions = (0..<functions.count).map { functions.string(Int32($0)) }
        b.signatures = (0..<signatures.count).map { signatures.string(Int32($0)) }
        b.signatureArticles = signatureArticles
        b.severities = (0..<severities.count).map { severities.string(Int32($0)) }
        b.buckets = buckets.dictionary()
        b.malformed = malformed
        b.lines = lines
        b.ingested = ingested
        b.blank = blank
        b.bytes = bytes
        return b
    }
}

/// A field's value on the previous line and the id it got: logs repeat a function or a
/// severity over runs of lines, and a compare of a few bytes is cheaper than a hash.
/// Values past 256 bytes are not kept (they are looked up every time).
final class LastValue {
    private let stored = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
    private var count = -1
    private var last: Int32 = 0

    @inline(__always)
    func id(_ bytes: UnsafeRawBufferPointer, orElse lookUp: (UnsafeRawBufferPointer) -> Int32) -> Int32 {
        if bytes.count == count, count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, count) == 0 {
            return last
        }
        last = lookUp(bytes)
        if bytes.count <= stored.count {
            if bytes.count > 0 { stored.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
            count = bytes.count
        } else {
            count = -1
        }
        return last
    }

    deinit { stored.deallocate() }
}

/// JSON string escapes, decoded. The parser has already checked they are well formed.
enum JSONString {
    static func unescape(_ s: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = 0
        let n = s.count
        while i < n {
            let b = s[i]
            guard b == 0x5C, i + 1 < n else { out.append(b); i += 1; continue }
            let e = s[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(s, i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= n, s[i] == 0x5C, s[i + 1] == 0x75 {
                    let low = hex4(s, i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                // A lone surrogate cannot be UTF-8; Python would keep it, we substitute.
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(u)).utf8)
            default: out.append(e)  // " \ /
            }
        }
    }

    private static func hex4(_ s: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = s[at + k] | 0x20
            v = v << 4 | UInt32(c >= 0x61 ? c - 0x61 + 10 : c - 0x30)
        }
        return v
    }
}

/// A fixed scratch buffer owned by one scanner (never shared across threads).
final class Scratch {
    let buffer: UnsafeMutableRawBufferPointer

    init(bytes: Int) { buffer = .allocate(byteCount: bytes, alignment: 8) }

    deinit { buffer.deallocate() }
}

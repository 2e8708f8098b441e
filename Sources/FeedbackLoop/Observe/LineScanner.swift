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
    /// The previous line's function, and each function's last signature and severity (by
    /// function id): a field equal to its hint is compared, not hashed. Lines of different
    /// functions interleave, but a function's own lines mostly repeat its last signature
    /// and severity.
    private var lastFunction: Int32 = -1
    private var lastSignatureOf: [Int32] = [], lastSeverityOf: [Int32] = []
    private var malformed = MalformedTally()
    private var lines: Int64 = 0
    private var ingested: Int64 = 0
    private var blank: Int64 = 0
    private let normalized: Scratch
    /// Lines up to 4 KiB (all but a hostile few) take the indexed plain parse.
    private let quotes = QuoteIndex(capacity: 4096)
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
        do { f = try LineParser.parse(line, quotes: quotes) } catch {
            return reject(error == .utf8 ? .invalidUTF8 : .invalidJSON)
        }
        guard f.timestamp.present, f.function.present, f.error.present else { return reject(.missingField) }
        guard f.timestamp.isString, f.function.isString, f.error.isString else { return reject(.wrongType) }
        if stopAfter == .fields { return }
        guard let ts = time(line, f.timestamp) else { return reject(.badTimestamp) }
        if let validTimes, !validTimes.contains(ts) { return reject(.outOfRange) }
        guard f.function.end > f.function.start else { return reject(.missingField) }
        if stopAfter == .timestamps { return }
        let function = Self.decoded(line, f.function) { functions.intern($0, hint: lastFunction) }
        let fid = Int(function)
        if fid == lastSignatureOf.count {  // a function met for the first time: ids are dense
            lastSignatureOf.append(-1)
            lastSeverityOf.append(-1)
        }
        let signature = Self.decoded(line, f.error) { text in
            Self.internSignature(text, normalized, &signatures, &signatureArticles, hint: lastSignatureOf[fid])
        }
        let severity = f.severity.isString
            ? Self.decoded(line, f.severity) { severities.intern($0, hint: lastSeverityOf[fid]) }
            : unknownSeverity.withUnsafeBytes { severities.intern($0) }
        (lastFunction, lastSignatureOf[fid], lastSeverityOf[fid]) = (function, signature, severity)
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

    /// The signature's id: its text is the error's own when no word in it holds a
    /// digit or a slash (nothing to copy), else the normalized copy in `scratch`.
    @inline(__always)
    private static func internSignature(_ text: UnsafeRawBufferPointer, _ scratch: Scratch,
                                        _ signatures: inout ByteInterner, _ articles: inout [ArticleSet],
                                        hint: Int32) -> Int32 {
        let sig = ErrorSignature.signature(of: text, scratch: scratch.buffer)
        let id = signatures.intern(sig, hint: hint)
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

import Testing
@testable import FeedbackLoop

/// The scanner's shortcuts — the plain-line parse, the timestamp reader that reuses the
/// previous line's hour, the signature search that skips words without a digit or a
/// slash — each against the general code it stands in for, on the same inputs.
@Suite struct FastPathTests {
    /// Lines a writer could produce: good, cut, doubled keys, nested values, odd
    /// spacing, every type in the wrong place; plain ones and ones with escapes,
    /// non-ASCII and control bytes (which take the general path).
    static let lines: [String] = {
        let good = #"{"timestamp": "2025-10-01T21:38:50.570336+00:00", "violation_type": "ConstitutionalCompliance", "function": "create_mock_agent", "error": "Article I: Incomplete context", "severity": "BLOCKER"}"#
        var out = [good, "{}", "{ }", "[]", "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{"a":1 "b":2}"#,
                   #"{"timestamp":"x","function":"f","error":"e"}"#, #"{"function": 17, "error": "x", "timestamp": "t"}"#,
                   #"{"error": null, "function": [1, {"x": "y"}], "timestamp": true}"#, #"{"n": -0.5e+3, "m": 01}"#,
                   #"{"a": "b"} x"#, #"{"a": "b"}   "#, #"  {"a": "b"}"#, #"{"a": "b\"c"}"#, #"{"function": "caf\u00e9"}"#,
                   "{\"a\": \"tab\there\"}", "{\"a\":\t\"b\"}", "{\"function\": \"café\"}", #"{"a": "b", "a": "c"}"#,
                   #"{"error": "x", "error": 5}"#, #"{"severity": "HIGH", "severity": "LOW", "function": "f"}"#,
                   #"{"timestamp": "2025-10-01T21:38:50Z", "function": "f", "error": "x""#, #"{"x": "unterminated}"#,
                   #"{"functio": "a", "functions": "b", "erro": "c", "errors": "d", "timestampx": "e", "severit": "f"}"#]
        // Every prefix of the good line: each cut is a different place to fail.
        for k in stride(from: 0, to: good.utf8.count, by: 7) { out.append(String(decoding: Array(good.utf8)[0..<k], as: UTF8.self)) }
        return out
    }()

    @Test func thePlainParseAnswersAsTheGeneralOne() {
        var plain = 0
        for text in Self.lines {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBytes { raw in
                let p = UnsafeRawBufferPointer(raw)
                guard LineParser.isPlain(p) else { return }
                plain += 1
                let fast = Result { () throws(LineParser.Failure) in try LineParser.parsePlain(p) }
                let general = Result { () throws(LineParser.Failure) in try LineParser.parseGeneral(p) }
                switch (fast, general) {
                case let (.success(a), .success(b)):
                    #expect(Self.describe(a) == Self.describe(b), "\(text)")
                case let (.failure(a), .failure(b)):
                    #expect(a == b, "\(text)")
                default:
                    Issue.record("plain and general parses disagree on \(text): \(fast) vs \(general)")
                }
            }
        }
        #expect(plain > 30)  // the shortcut was taken, not skipped for every case
    }

    @Test func aLineWithAnEscapeAControlOrANonASCIIByteIsNotPlain() {
        for text in [#"{"a": "b\"c"}"#, "{\"a\": \"tab\there\"}", "{\"function\": \"café\"}", "{\"a\": \"x\u{1}\"}"] {
            var bytes = Array(text.utf8)
            #expect(!bytes.withUnsafeMutableBytes { LineParser.isPlain(UnsafeRawBufferPointer($0)) }, "\(text)")
        }
    }

    static func describe(_ f: LineParser.Fields) -> String {
        [f.timestamp, f.function, f.error, f.severity]
            .map { "\($0.present) \($0.isString) \($0.start) \($0.end) \($0.escaped)" }.joined(separator: "|")
    }

    @Test func theTimestampReaderAgreesWithParseAcrossHoursAndFailures() {
        var reader = Timestamp.Reader()
        let stamps = ["2025-10-01T21:38:50Z", "2025-10-01T21:59:59.999999+00:00", "2025-10-01T21:00:00", "2025-10-01T21:61:00Z",
                      "2025-10-01T22:00:00+02:00", "2025-10-01T22:00:00-0230", "2025-02-30T22:00:00Z", "2025-02-30T22:10:00Z",
                      "2025-10-01T22:10:00Z", "2025-10-01 22:10:00", "2025-10-01T22:10:00.Z", "2025-10-01T22:10:00Zx",
                      "2025-10-01T24:00:00Z", "2025-10-01T24:00:00Z", "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z", "short"]
        for s in stamps + stamps.reversed() {
            var bytes = Array(s.utf8)
            let fast = bytes.withUnsafeMutableBytes { reader.parse(UnsafeRawBufferPointer($0)) }
            #expect(fast == Timestamp.parse(s), "\(s)")
        }
    }

    /// The signature search skips words without a digit or a slash, which the rules
    /// leave alone: so a text's signature is its words' signatures, spaces kept.
    @Test(arguments: [
        "Article V violated: Spec coverage is 10036.18947%, 17104 files missing spec references.",
        "Article III violated: direct commit to main attempted from src/agents/module_342.py",
        "Article I: Incomplete context", "  double  spaces 12 and trailing 3 ", "/", "7", "", "(42) [x/y] abc-1234-def",
        "a long word without any digit at all before 9", "ünïcödé 12 wörds/slash", "id 5f3c9a7e-1b2d-4c8e",
    ])
    func aSignatureIsItsWordsSignatures(text: String) {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map { ErrorSignature.normalize(String($0)) }
        #expect(ErrorSignature.normalize(text) == words.joined(separator: " "))
    }

    @Test func theSearchFindsTheFirstDigitOrSlashAnywhere() {
        for length in 0..<40 {
            for at in 0...length {
                var bytes = [UInt8](repeating: 0x61, count: length)
                if at < length { bytes[at] = at % 2 == 0 ? 0x2F : 0x30 + UInt8(at % 10) }
                let found = bytes.withUnsafeBytes { ErrorSignature.firstDigitOrSlash($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, 0, length) }
                #expect(found == at)
            }
        }
        // The bytes on either side of the range, and ones past 0x80, are not hits.
        var edges: [UInt8] = [0x2E, 0x3A, 0xAF, 0xB0, 0x2E, 0x3A, 0x20, 0x7F, 0x2E]
        #expect(edges.withUnsafeMutableBytes { ErrorSignature.firstDigitOrSlash(UnsafeRawPointer($0.baseAddress!), 0, 9) } == 9)
    }

    @Test func theBucketIndexKeepsEveryKeyThroughItsGrowth() {
        var index = BucketIndex()
        var expected: [BucketKey: BucketTotals] = [:]
        for round in 0..<2 {
            for k in 0..<5_000 {
                // Keys that differ in one id only, and a repeat of the last key.
                let key = BucketKey(function: Int32(k % 7), signature: Int32(k % 13), hour: Int32(k / 91))
                let t = BucketTotals(count: 1, first: Int64(k), last: Int64(k + round), severityMask: 1 << UInt64(k % 3))
                index.add(key, t)
                expected[key, default: BucketTotals(count: 0, first: .max, last: .min, severityMask: 0)].add(t)
            }
        }
        #expect(index.count == expected.count)
        #expect(index.dictionary() == expected)
    }
}

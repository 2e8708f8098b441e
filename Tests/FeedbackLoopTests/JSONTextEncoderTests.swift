@testable import FeedbackLoop
import Foundation
import Testing

/// The encoder against its oracle: Foundation's `JSONEncoder` with the options the report,
/// and the store's columns, have always used. Equal bytes, not equal parsed values: the
/// stored reports and `--json` must not change by a space.
@Suite struct JSONTextEncoderTests {
    static func foundation(_ value: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    struct Awkward: Encodable {
        var plainText = "Article III: quality gate bypassed for PR #19805"
        var escapes = "quote \" backslash \\ slash / newline \n return \r tab \t bell \u{7} nul \u{0} unit \u{1F} del \u{7F}"
        var unicode = "é ü 日本 🙂 \u{2028}"
        var numbers: [Double] = [0, -0.0, 1, -1, 0.1, 0.1 + 0.2, 1e-7, 123456789012.5, 1e16, 1e21, 2.5e-300,
                                 .pi, 1157372.832401963, 20.999999999999993, .infinity, -.infinity, .nan,
                                 Double(Int64.max), .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        var float: Float = 0.1
        var integers: [Int64] = [0, -1, .max, .min]
        var small: Int8 = -8
        var unsigned: UInt64 = .max
        var int16: Int16 = .min, int32: Int32 = .min, uint: UInt = .max, uint8: UInt8 = .max
        var uint16: UInt16 = .max, uint32: UInt32 = .max, int: Int = .min
        var optionalInts: [Int32?] = [1, nil, -3]
        // Keyed by a CodingKeyRepresentable enum, by Int, by String with camelCase keys.
        var byReason: [MalformedReason: Int] = [.invalidJSON: 2, .badTimestamp: 1]
        var byNumber: [Int: String] = [12: "a", -3: "b"]
        var byNameNested: [String: [String: Int]] = ["outerKey": ["innerKey": 1]]
        var flags = [true, false]
        var nothing: String? = nil
        var emptyArray: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nested: [[String: [Double]]] = [["peakRSSBytes": [1, 2.5]], [:]]
        var byName = ["zeta": 1, "alpha": 2, "Beta": 3, "a_b": 4, "ab": 5, "a": 6, "camelCaseKey": 7]
        var peakRSSBytes = 1
        var patternID = "p"
        var urlString = "https://example.invalid/a/b"
        var HTTPStatus = 200
        var a1B2c3 = 1
        var version2Beta = 2
        var ABC = 3
        var x = Inner()
        var enumValue = Stage.report

        struct Inner: Encodable {
            var explicitNil: String? = nil
            var encodedTwice = 1

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encodeNil(forKey: .explicitNil)
                try c.encode(1, forKey: .encodedTwice)
                try c.encode(2, forKey: .encodedTwice)
                var list = c.nestedUnkeyedContainer(forKey: .list)
                try list.encode("one")
                try list.encodeNil()
                var more = list.nestedContainer(keyedBy: Keys.self)
                try more.encode(true, forKey: .explicitNil)
                var again = encoder.container(keyedBy: Keys.self)
                try again.encode("same object", forKey: .sameObject)
            }

            enum Keys: String, CodingKey { case explicitNil, encodedTwice, list, sameObject }
        }
    }

    @Test func awkwardValuesEncodeAsFoundationDoes() throws {
        let ours = try JSONTextEncoder.encode(Awkward())
        #expect(ours == (try Self.foundation(Awkward())))
    }

    /// Keys set more than once, in an order the sort must undo: each keeps its last value.
    struct RepeatedKeys: Encodable {
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: OneKey.Key.self)
            for (key, value) in [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5), ("b", 6)] {
                try c.encode(value, forKey: OneKey.Key(stringValue: key))
            }
            var nested = c.nestedContainer(keyedBy: OneKey.Key.self, forKey: OneKey.Key(stringValue: "d"))
            try nested.encode("first", forKey: OneKey.Key(stringValue: "x"))
            try nested.encode("last", forKey: OneKey.Key(stringValue: "x"))
        }
    }

    @Test func aKeySetTwiceKeepsItsLastValueAsFoundationDoes() throws {
        let ours = try JSONTextEncoder.encode(RepeatedKeys())
        #expect(ours == (try Self.foundation(RepeatedKeys())))
        #expect(ours.contains("\"a\" : 5") && ours.contains("\"b\" : 6") && ours.contains("\"x\" : \"last\""))
        #expect(try StoredJSON.encode(RepeatedKeys()) == (try Self.foundationStored(RepeatedKeys())))
    }

    @Test func topLevelArraysAndEmptyValuesEncodeAsFoundationDoes() throws {
        #expect(try JSONTextEncoder.encode([Awkward(), Awkward()]) == (try Self.foundation([Awkward(), Awkward()])))
        #expect(try JSONTextEncoder.encode([String: Int]()) == (try Self.foundation([String: Int]())))
        #expect(try JSONTextEncoder.encode([Int]()) == (try Self.foundation([Int]())))
    }

    /// A type's own key, named at run time.
    struct OneKey: Encodable {
        var name: String

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(0, forKey: Key(stringValue: name))
        }
    }

    @Test(arguments: ["a", "A", "peakRSSBytes", "patternID", "URLString", "aURL", "HTTPStatusCode", "a1B2c3",
                      "version2Beta", "ABC", "already_snake", "_leading", "trailing_", "dayFactors", "p95Latency",
                      "x", "xY", "XyZ", "numCtx", "éAccentUpper", "ÉtéÉté"])
    func snakeCaseIsFoundations(key: String) throws {
        let foundation = try Self.foundation(OneKey(name: key))
        #expect(try JSONTextEncoder.encode(OneKey(name: key)) == foundation)
        #expect(foundation.contains("\"\(SnakeCase.convert(key))\""), "\(foundation)")
    }

    /// ASCII keys take a walk over bytes: the same words as Foundation's on every key of
    /// a few thousand made of the characters that matter (cases, digits, underscores).
    @Test func asciiKeysAreConvertedAsFoundationDoes() throws {
        var g = SystemRandomNumberGenerator()
        let alphabet = Array("aAbBzZ09_xXyY")
        var keys: [String] = []
        for _ in 0..<2_000 {
            keys.append(String((0..<Int.random(in: 1...9, using: &g)).map { _ in alphabet.randomElement(using: &g)! }))
        }
        struct Keys: Encodable {
            var names: [String]
            struct Key: CodingKey {
                var stringValue: String
                init(stringValue: String) { self.stringValue = stringValue }
                var intValue: Int? { nil }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                for (i, n) in names.enumerated() { try c.encode(i, forKey: Key(stringValue: n)) }
            }
        }
        let foundation = try JSONSerialization.jsonObject(with: Data(try Self.foundation(Keys(names: keys)).utf8)) as! [String: Int]
        for (i, key) in keys.enumerated() where keys.lastIndex(of: key) == i {
            let converted = SnakeCase.convert(key)
            #expect(converted == SnakeCase.convertUnicode(key), "\(key)")
            // Two keys may convert alike ("aB", "a_b"): the last one written wins, in both.
            if keys.lastIndex(where: { SnakeCase.convert($0) == converted }) == i { #expect(foundation[converted] == i, "\(key)") }
        }
    }

    /// A dictionary's keys are data: Foundation leaves them as they are, and so must we.
    @Test func dictionaryKeysAreNotConverted() throws {
        let d = ["peakRSSBytes": 1, "invalid_json": 2]
        #expect(try JSONTextEncoder.encode(d) == (try Self.foundation(d)))
        #expect(try JSONTextEncoder.encode(d).contains("peakRSSBytes"))
    }

    /// A report with every part a cycle fills: patterns, forecasts, proposals, stages,
    /// malformed lines, a degraded stage, a cost statement.
    @Test func aReportEncodesAsFoundationDoes() throws {
        let report = Self.fullReport()
        #expect(!report.analysis.patterns.isEmpty && !report.predictions.isEmpty && !report.proposals.isEmpty)
        #expect(report.json() == (try report.foundationJSON()))
    }

    static func fullReport() -> CycleReport {
        let now = Timestamp.parse("2025-10-08T00:00:00Z")!
        var rows: [BucketRow] = []
        for hour in 0..<(24 * 21) {
            let h = Timestamp.hour(of: now) - Int32(hour)
            let n = Int64(1 + hour % 5)
            rows.append(BucketRow(function: "create_planner_agent", signature: "Article II: N tests failing",
                                  articles: ArticleSet(names: ["Article II"]), hour: h,
                                  totals: BucketTotals(count: n, first: Int64(h) * 3_600_000_000 + 5,
                                                       last: Int64(h) * 3_600_000_000 + 99, severityMask: 1),
                                  severities: ["BLOCKER"]))
            if hour % 7 == 0 {
                rows.append(BucketRow(function: "run_quality_gate", signature: "quality gate bypassed for PR #N \"quoted\" / path",
                                      articles: ArticleSet(), hour: h,
                                      totals: BucketTotals(count: 2, first: Int64(h) * 3_600_000_000,
                                                           last: Int64(h) * 3_600_000_000 + 1, severityMask: 2),
                                      severities: ["HIGH"]))
            }
        }
        rows.sort { $0.hour < $1.hour }
        let window = AnalysisWindow.lastDays(7, now: now)
        let analysis = Analyzer.analyze(rows, window: window, settings: AnalysisSettings(), rate: ForecastSettings())
        let ranked = Predictor.predict(analysis.patterns, rows: rows, nowHour: Timestamp.hour(of: now),
                                       settings: ForecastSettings(), cost: CostAssumptions(), priors: [:])
        var report = CycleReport(cycle: 3, timestamp: now, analysis: analysis, ingest: nil, proposals: [],
                                 stages: [StageOutcome(stage: .observe, outcome: .degraded, detail: "log /x: gone", milliseconds: 1.5),
                                          StageOutcome(stage: .analyze, outcome: .ok, detail: "fine", milliseconds: 0.25)])
        report.analysis.patterns = ranked.patterns
        report.predictions = ranked.forecasts
        report.proposals = Evolver.propose(ranked.patterns, forecasts: ranked.forecasts).map {
            ProposalRecord(id: 7, status: .pending, change: .new, proposal: $0)
        }
        report.peakRSSBytes = 41_000_000
        return report
    }

    // MARK: The stored form

    /// The oracle of the store's columns: Foundation's defaults with `.sortedKeys`.
    static func foundationStored(_ value: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    @Test func theStoredFormIsFoundationsOnAwkwardValues() throws {
        var a = Awkward()
        a.numbers.removeAll { !$0.isFinite }
        #expect(try StoredJSON.encode(a) == (try Self.foundationStored(a)))
        #expect(try StoredJSON.encode([a, a]) == (try Self.foundationStored([a, a])))
        #expect(try StoredJSON.encode([String: Int]()) == "{}" && (try Self.foundationStored([String: Int]())) == "{}")
        #expect(try StoredJSON.encode([Int]()) == "[]" && (try Self.foundationStored([Int]())) == "[]")
        for key in ["peakRSSBytes", "URLString", "already_snake", "x"] {
            #expect(try StoredJSON.encode(OneKey(name: key)) == (try Self.foundationStored(OneKey(name: key))))
        }
    }

    /// What the store keeps of a cycle: evidence, recalled entries, checks, forecast
    /// inputs, tags and memory evidence.
    @Test func theStoredFormIsFoundationsOnWhatTheStoreKeeps() throws {
        let report = Self.fullReport()
        let hit = MemoryHit(id: 3, kind: .pattern, key: "pattern_a/b", text: "t", similarity: 0.123456789, evidence: [:])
        for p in report.proposals.map(\.proposal) {
            #expect(!p.evidence.isEmpty)
            #expect(try StoredJSON.encode(p.evidence) == (try Self.foundationStored(p.evidence)))
            #expect(try StoredJSON.encode(p.checksPassed) == (try Self.foundationStored(p.checksPassed)))
            var recalled = p.recalled
            recalled.append(Proposal.Recalled(hit))
            #expect(try StoredJSON.encode(recalled) == (try Self.foundationStored(recalled)))
        }
        for f in report.predictions {
            #expect(try StoredJSON.encode(f.model) == (try Self.foundationStored(f.model)))
        }
        let tags = ["agent:planner/builder", "article:Article II", "é \u{1}"]
        #expect(try StoredJSON.encode(tags) == (try Self.foundationStored(tags)))
        let evidence = ["frequency": 28_815, "model_error": 0.1 + 0.2, "trend": -3]
        #expect(try StoredJSON.encode(evidence) == (try Self.foundationStored(evidence)))
    }

    /// As Foundation's default: a non-finite number has no JSON form and is refused.
    @Test func theStoredFormRefusesANonFiniteNumber() {
        for v in [Double.nan, .infinity, -.infinity] {
            #expect(throws: EncodingError.self) { try StoredJSON.encode(["x": v]) }
            #expect(throws: EncodingError.self) { try Self.foundationStored(["x": v]) }
        }
        #expect(throws: EncodingError.self) { try StoredJSON.encode([Float.nan]) }
    }

    /// The memory's tags and evidence are written without the `Encodable` path: the same
    /// text as Foundation's, on awkward strings and numbers; nil for a non-finite one.
    @Test func theDirectWritersAreFoundationsToo() throws {
        for tags in [[], ["agent:planner/builder", "article:Article II", "é \u{1}", "\"\\\u{7f}\u{2028}"], [""]] {
            #expect(StoredJSON.strings(tags) == (try Self.foundationStored(tags)))
        }
        let evidences: [[String: Double]] = [
            [:], ["frequency": 28_815, "model_error": 0.1 + 0.2, "trend": -3],
            ["b": 1e300, "a": -0.0, "é": .leastNonzeroMagnitude, "B": 123_456_789.125, "a/b": 1e16, "\u{1}": 0.5],
        ]
        for e in evidences {
            #expect(StoredJSON.numbers(e) == (try Self.foundationStored(e)))
        }
        for v in [Double.nan, .infinity, -.infinity] {
            #expect(StoredJSON.numbers(["x": 1, "y": v]) == nil)
        }
    }
}

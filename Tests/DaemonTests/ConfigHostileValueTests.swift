import FeedbackLoop
import Foundation
import Testing
@testable import Daemon

/// No configuration value crashes the process: every key `parse` reads, given values
/// chosen to overflow, trap or exhaust, is either accepted or refused naming that key.
/// (A trap here would end the whole test process, not just fail a test.)
@Suite struct ConfigHostileValueTests {
    static let hostile = ["", "-1", "0", "inf", "nan", "1e308", "99999", String(repeating: "9", count: 100_000),
                          "é✓", "1000000000d"]

    @Test func theKnownKeysAreTheKeysParseReads() throws {
        let keys = DaemonConfig.keys
        #expect(Set(keys).count == keys.count, "a key is read twice: \(keys)")
        for k in ["AGENCY_MODE", "OLLAMA_HOST", "CYCLE_INTERVAL", "STAGE_TIMEOUT", "VIOLATIONS_LOG", "WINDOW_DAYS",
                  "PROPOSAL_CONFIDENCE", "PLANNER_NUM_CTX", "SCANNER_NUM_CTX", "MORNING_REPORT_AT", "METRICS_FILE"] {
            #expect(keys.contains(k), "\(k) missing from DaemonConfig.keys")
        }
        // A file of just these keys has no unknown key.
        #expect(try DaemonConfig.parse([:], fileKeys: keys).unknownKeys == [])
    }

    @Test(arguments: DaemonConfig.keys)
    func everyHostileValueIsAcceptedOrRefusedNamingTheKey(key: String) {
        for value in Self.hostile {
            let shown = value.count > 20 ? "\(value.prefix(20))… (\(value.utf8.count) bytes)" : value
            do {
                _ = try DaemonConfig.parse([key: value])
            } catch {
                #expect(error.key == key, "\(key)=\(shown) refused naming \(error.key)")
                #expect(error.value == value)
                // The message stays a line of readable size, whatever the value.
                #expect(error.description.utf8.count < 1_000, "\(key)=\(shown): a message of \(error.description.utf8.count) bytes")
                #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 })
            }
        }
    }

    @Test(arguments: DaemonConfig.keys)
    func controlCharactersAndOversizedValuesAreRefusedForEveryKey(key: String) {
        for value in ["/a\u{0}b", "/a\nb", "\u{1B}[2J", "/" + String(repeating: "a", count: 4096)] {
            #expect { try DaemonConfig.parse([key: value]) } throws: { e in (e as? ConfigError)?.key == key }
        }
    }

    @Test(arguments: [
        ("CYCLE_INTERVAL", "inf"), ("CYCLE_INTERVAL", "1e308"), ("CYCLE_INTERVAL", "1000000000d"), ("CYCLE_INTERVAL", "nan"),
        ("CYCLE_INTERVAL", "-1"), ("CYCLE_INTERVAL", "0"), ("CYCLE_INTERVAL", "0.5"), ("CYCLE_INTERVAL", "7d1s"),
        ("CYCLE_INTERVAL", "8d"), ("CYCLE_INTERVAL", "1e3"), ("CYCLE_INTERVAL", "١h") /* an Arabic-Indic one */,
        ("STAGE_TIMEOUT", "1e308"), ("STAGE_TIMEOUT", "inf"), ("STAGE_TIMEOUT", "1d1s"), ("STAGE_TIMEOUT", "99999"),
        ("OLLAMA_HOST", "http://127.0.0.1:99999"), ("OLLAMA_HOST", "http://127.0.0.1:0"), ("OLLAMA_HOST", "http://127.0.0.1:65536"),
        ("OLLAMA_HOST", "http://127.0.0.1:"), ("OLLAMA_HOST", "http://127.0.0.1:-1"), ("OLLAMA_HOST", "http://127.0.0.1:+80"),
        ("OLLAMA_HOST", "http://127.0.0.1:00000011434"), ("OLLAMA_HOST", "http://127.0.0.1:11434/api"),
        ("OLLAMA_HOST", "http://127.0.0.1:11434//"), ("OLLAMA_HOST", "http://127.0.0.1:11434?x=1"),
        ("OLLAMA_HOST", "http://127.0.0.1:11434#x"), ("OLLAMA_HOST", "http://user@127.0.0.1:11434"),
        ("OLLAMA_HOST", "http://"), ("OLLAMA_HOST", "http:///"), ("OLLAMA_HOST", "http://[::1"),
        ("OLLAMA_HOST", "http://[]:11434"), ("OLLAMA_HOST", "http://[::1]x"), ("OLLAMA_HOST", "http://127.0.0.1:1:2"),
        ("OLLAMA_HOST", "http://é✓"), ("OLLAMA_HOST", "http://127.0.0.1\u{0}:11434"), ("OLLAMA_HOST", "ftp://127.0.0.1"),
        ("OLLAMA_HOST", "http://" + String(repeating: "a", count: 3000)),
        ("VIOLATIONS_LOG", "/" + String(repeating: "a", count: 4096)), ("VIOLATIONS_LOG", "/log\u{0}.jsonl"),
        ("AGENCY_ROOT", "/srv/\nagency"), ("REPORTS_DIR", ""), ("METRICS_FILE", "/x\u{0}.prom"),
        ("WINDOW_DAYS", "99999999999999999999999"), ("MIN_OCCURRENCES", "-9223372036854775809"),
        ("PROPOSAL_CONFIDENCE", "nan"), ("HOURLY_RATE_USD", "inf"), ("MINUTES_PER_VIOLATION", "1e308"),
        ("FIX_HOURS", "-1"), ("FIX_HOURS", "nan"),
        ("TRINITY_BUDGET_GB", "nan"), ("PLANNER_NUM_CTX", "1e308"), ("MORNING_REPORT_AT", "99999:00"),
    ])
    func aValueThatUsedToCrashOrSlipThroughIsRefused(key: String, value: String) {
        #expect { try DaemonConfig.parse([key: value]) } throws: { e in
            guard let e = e as? ConfigError else { return false }
            return e.key == key && e.value == value
        }
    }

    @Test func theEdgesOfEachRangeAreAccepted() throws {
        #expect(try DaemonConfig.parse(["CYCLE_INTERVAL": "7d"]).cycleInterval == .seconds(7 * 86_400))
        #expect(try DaemonConfig.parse(["CYCLE_INTERVAL": "168h"]).cycleInterval == .seconds(7 * 86_400))
        #expect(try DaemonConfig.parse(["CYCLE_INTERVAL": "1s"]).cycleInterval == .seconds(1))
        #expect(try DaemonConfig.parse(["CYCLE_INTERVAL": "1"]).cycleInterval == .seconds(1))
        #expect(try DaemonConfig.parse(["CYCLE_INTERVAL": "1.5h"]).cycleInterval == .seconds(5400))
        #expect(try DaemonConfig.parse(["STAGE_TIMEOUT": "1d"]).stageTimeout == .seconds(86_400))
        #expect(try DaemonConfig.parse(["STAGE_TIMEOUT": "1s"]).stageTimeout == .seconds(1))
        // OLLAMA_HOST is kept as the base URL it means (Ollama's defaults filled in).
        for (host, url) in [("http://127.0.0.1:1", "http://127.0.0.1:1"), ("http://127.0.0.1:65535", "http://127.0.0.1:65535"),
                            ("http://127.0.0.1:11434/", "http://127.0.0.1:11434"), ("https://localhost", "https://localhost:443"),
                            ("http://[::1]:11434/", "http://[::1]:11434"), ("HTTP://127.0.0.1:11434", "http://127.0.0.1:11434"),
                            ("http://:11434", "http://127.0.0.1:11434")] {
            #expect(try DaemonConfig.parse(["OLLAMA_HOST": host]).ollamaHost == url)
        }
        // Only the Architect may go remote (ARCHITECT_API_BASE): Ollama is loopback in hybrid too.
        #expect { try DaemonConfig.parse(["AGENCY_MODE": "hybrid", "OLLAMA_HOST": "http://gpu-box.lan:11434"]) } throws: {
            ($0 as? ConfigError)?.key == "OLLAMA_HOST"
        }
        // Paths: anything absolute up to PATH_MAX, non-ASCII included.
        let long = "/" + String(repeating: "a", count: 4095)
        #expect(try DaemonConfig.parse(["VIOLATIONS_LOG": long]).violationsLog == long)
        #expect(try DaemonConfig.parse(["REPORTS_DIR": "/srv/café/rapports"]).reportsDir == "/srv/café/rapports")
    }

    @Test func aRefusedValueIsShownEscapedAndCutShort() {
        let e = ConfigError(key: "K", value: "a\u{0}b\u{1B}" + String(repeating: "x", count: 100_000), allowed: "y")
        #expect(e.description.hasPrefix("K=a\\0b\\u{1B}x"))
        #expect(e.description.contains("… (100004 bytes) is not valid: y"))
        #expect(e.description.utf8.count < 300)
    }
}

/// `Duration.parse(span:)` never traps, whatever the text, and never returns more than
/// `longestSpan` or less than zero.
@Suite struct SpanParseTests {
    @Test func hostileSpansReturnNilOrABoundedDuration() {
        var texts = ["", " ", "inf", "nan", "-1", "-0", "+5", "1e308", "1e3", "0x10", "1.7976931348623157e308",
                     "1000000000d", "99999999999999999999d", String(repeating: "9", count: 400) + "d",
                     String(repeating: "9", count: 60) + "s", "9223372036854775807", "9223372036854775.807",
                     "36500d", "36500d1s", "1h1h1h", "..", "1..5s", ".s", "s", "1x", "1 h", "1h 30m", "١٢s", "é✓",
                     String(repeating: "99999d", count: 10), String(repeating: "1", count: 100_000)]
        // Random texts over the parser's alphabet and its near misses, the same every run.
        var state: UInt64 = 7
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let alphabet = Array("0123456789.smhd -e+")
        for _ in 0..<5_000 {
            texts.append(String((0..<next() % 24).map { _ in alphabet[next() % alphabet.count] }))
        }
        for t in texts {
            guard let d = Duration.parse(span: t) else { continue }
            #expect(d >= .zero && d <= Duration.longestSpan, "\(t.prefix(40)) → \(d)")
        }
    }

    @Test(arguments: [("90", 90.0), ("90s", 90), ("30m", 1800), ("1h30m", 5400), ("2d", 172_800), (" 1h ", 3600),
                      ("0.5s", 0.5), ("36500d", 3_153_600_000)])
    func ordinarySpansParse(text: String, seconds: Double) {
        #expect(Duration.parse(span: text)?.seconds == seconds)
    }

    @Test func spanTextWritesTheLargestUnits() {
        #expect(Duration.seconds(7 * 86_400).spanText == "7d")
        #expect(Duration.seconds(90_061).spanText == "1d1h1m1s")
        #expect(Duration.seconds(1).spanText == "1s")
    }
}

/// `Schedule` clamps whatever it is given: no duration makes its arithmetic trap.
@Suite struct ScheduleClampTests {
    @Test(arguments: [Duration.seconds(Int64.max), .seconds(Int64.min), .zero, .nanoseconds(1), .seconds(-3600),
                      .seconds(1_000_000_000 * 86_400)])
    func anyIntervalIsClamped(interval: Duration) {
        let s = Schedule(interval: interval)
        #expect((1...Schedule.longestInterval).contains(s.interval))
        let now: Microseconds = 1_764_000_000_000_000
        let slot = s.slot(at: now)
        #expect(s.start(of: slot) <= now)
        #expect(s.nextDue(after: slot) > now)
        #expect(s.isDue(now: now, lastSlot: nil))
        _ = s.slot(at: -now)
    }
}

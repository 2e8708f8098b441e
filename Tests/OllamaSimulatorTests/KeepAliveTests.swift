import Foundation
@testable import OllamaSimulator
import Testing

/// keep_alive as api/types.go `Duration.UnmarshalJSON` reads it: numbers are seconds,
/// strings are Go's `time.ParseDuration`, negative is forever.
@Suite struct KeepAliveTests {
    @Test(arguments: [
        ("0", 0.0), ("-0", 0), ("+0", 0), ("0s", 0), ("5m", 300), ("1h30m", 5400), ("1.5h", 5400),
        ("300ms", 0.3), ("-1m", -60), ("+5s", 5), (".5s", 0.5), ("1.s", 1), ("2h45m30.5s", 9930.5),
        ("1us", 1e-6), ("1\u{00B5}s", 1e-6), ("1\u{03BC}s", 1e-6), ("10ns", 1e-8),
    ])
    func goAcceptsTheseDurations(text: String, seconds: Double) throws {
        #expect(abs(try GoDuration.parse(text) - seconds) < 1e-9)
    }

    @Test(arguments: [
        ("300", #"time: missing unit in duration "300""#),
        ("5", #"time: missing unit in duration "5""#),
        ("-1", #"time: missing unit in duration "-1""#),
        ("1h30", #"time: missing unit in duration "1h30""#),
        ("", #"time: invalid duration """#),
        ("-", #"time: invalid duration "-""#),
        ("abc", #"time: invalid duration "abc""#),
        (".s", #"time: invalid duration ".s""#),
        (" 5m", #"time: invalid duration " 5m""#),
        ("5 m", #"time: unknown unit " m" in duration "5 m""#),
        ("5d", #"time: unknown unit "d" in duration "5d""#),
        ("3000000h", #"time: invalid duration "3000000h""#),
    ])
    func goRefusesTheseWithItsOwnWords(text: String, message: String) {
        #expect(throws: GoDuration.ParseError(message: message)) { try GoDuration.parse(text) }
    }

    @Test func aBareNumberStringIsA400InGosWords() async throws {
        try await Harness.with { sim in
            let answer = try await sim.generate(Harness.coder1_5B, keepAlive: #""300""#)
            #expect(answer.status == 400)
            #expect(try answer.json()["error"] as? String == #"time: missing unit in duration "300""#)
            let boolean = try await sim.generate(Harness.coder1_5B, keepAlive: "true")
            #expect(boolean.status == 400)
            #expect(try boolean.json()["error"] as? String == "Unsupported type: 'bool'")
            #expect(try await sim.psNames().isEmpty)
        }
    }

    @Test func durationsAndNumbersSetTheExpiry() async throws {
        try await Harness.with { sim in
            // Each expiry lies between the request's start and its answer plus the keep_alive
            // (bounds taken around each call, so a loaded machine's slowness cannot fail it).
            let t0 = Date()
            try await sim.generate(Harness.coder1_5B, keepAlive: #""1h30m""#)
            let t1 = Date()
            try await sim.generate(Harness.coder7B, keepAlive: "120")
            let t2 = Date()
            try await sim.generate(Harness.codestral, keepAlive: #""-1m""#)
            let resident = Dictionary(uniqueKeysWithValues: await sim.simulator.resident().map { ($0.name, $0.expiresAt) })
            let coder = try #require(resident[Harness.coder1_5B] ?? nil)
            #expect(coder >= t0.addingTimeInterval(5400 - 0.01) && coder <= t1.addingTimeInterval(5400 + 0.01))
            let builder = try #require(resident[Harness.coder7B] ?? nil)
            #expect(builder >= t1.addingTimeInterval(120 - 0.01) && builder <= t2.addingTimeInterval(120 + 0.01))
            // Negative: forever (no expiry), whether a number or a string.
            #expect(resident[Harness.codestral] == .some(nil))
        }
    }

    /// `keepAliveScale` shrinks every keep_alive, so a soak sees expiry in a fraction of a
    /// second; /api/ps shows the scaled expiry, and the sweeper counts it as expired.
    @Test func scaledKeepAliveExpiresOnItsOwn() async throws {
        try await Harness.with({
            $0.keepAliveScale = 0.1
            $0.unloadDelay = .zero
        }) { sim in
            // 30 s scaled to 3: long enough to be listed on a loaded machine, short for a test.
            let t0 = Date()
            try await sim.generate(Harness.coder1_5B, keepAlive: #""30s""#)
            let t1 = Date()
            let listed = try #require(try await sim.ps().first)
            let expiresAt = try #require(Harness.date(rfc3339: listed.expiresAt))
            // RFC 3339 in /api/ps keeps whole seconds at least: a second's slack each side.
            #expect(expiresAt >= t0.addingTimeInterval(3 - 1) && expiresAt <= t1.addingTimeInterval(3 + 1))
            #expect(try await sim.eventually { try await sim.psNames().isEmpty })
            let counters = await sim.simulator.counters()
            #expect(counters.expired == 1)
            #expect(counters.unloadRequests == 0)
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: 0))
        }
    }
}

import Testing
@testable import FeedbackLoop

@Suite struct TimestampTests {
    // 2025-10-01T21:38:50Z is 1759354730 s after the epoch (date -d … +%s).
    let base: Int64 = 1_759_354_730_000_000

    @Test(arguments: [
        ("2025-10-01T21:38:50+00:00", 0),
        ("2025-10-01T21:38:50Z", 0),
        ("2025-10-01T21:38:50", 0),  // naive is UTC
        ("2025-10-01T21:38:50.570336+00:00", 570_336),
        ("2025-10-01T21:38:50.5Z", 500_000),
        ("2025-10-01T21:38:50.123456789", 123_456),  // beyond microseconds: truncated
        ("2025-10-01 21:38:50", 0),
        ("2025-10-01T23:38:50+02:00", 0),
        ("2025-10-01T19:08:50-0230", 0),
    ] as [(String, Int64)])
    func acceptsTheFormsTheLogsUse(text: String, fraction: Int64) {
        #expect(Timestamp.parse(text) == base + fraction)
    }

    @Test(arguments: ["2025-02-30T00:00:00Z", "2025-13-01T00:00:00", "2025-10-01T24:00:00", "yesterday",
                      "2025-10-01T21:38", "2025-10-01T21:38:50.Z", "2025-10-01T21:38:50+0", "1969-12-31T23:59:59Z",
                      "2025-10-01T21:38:50 ", "2025-10-01T21:38:50+00:00x"])
    func refusesWhatIsNotATimestamp(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func leapDaysAndRoundTrip() {
        #expect(Timestamp.parse("2024-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parse("2023-02-29T12:00:00Z") == nil)
        let t = Timestamp.parse("2025-10-01T21:38:50.570336+00:00")!
        #expect(Timestamp.iso8601(t) == "2025-10-01T21:38:50.570336+00:00")
        #expect(Timestamp.hour(of: t) == Int32(1_759_354_730 / 3600))
    }
}

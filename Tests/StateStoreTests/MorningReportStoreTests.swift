import Cycle
import FeedbackLoop
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SampleLog
import StateStore
import Testing

/// A simulated night: twelve hourly cycles over a growing log, then the morning
/// report, its figures checked against the store and the log itself.
@Suite struct MorningReportStoreTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let night = Night.ending(on: LocalDate("2025-10-08")!, at: ClockTime(hour: 7, minute: 0), in: utc)
    static let hour = Timestamp.microsPerHour
    /// The night's cycles at 19:00 … 06:00; one more eight days before, whose 7-day
    /// forecasts come due in the night and are scored by its first cycle.
    static let firstNightCycle = night.start + 12 * hour
    static let nightCycles = (0..<12).map { firstNightCycle + Int64($0) * hour }
    static let earlier = firstNightCycle - 8 * 24 * hour

    /// The log's lines, each with the timestamp it carries (nil: malformed), in order.
    static func lines(_ path: String) throws -> [(String, Microseconds?)] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { l in
            let obj = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any]
            let valid = obj?["function"] is String && obj?["error"] is String
            return (String(l), valid ? (obj?["timestamp"] as? String).flatMap(Timestamp.parse) : nil)
        }
    }

    @Test func aNightOfTwelveCyclesIsReportedAsTheStoreHoldsIt() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var sample = SampleLog(lines: 20_000, days: 10, end: Self.night.end)
        sample.malformedEvery = 500
        try sample.write(to: dir + "/full.jsonl")
        let all = try Self.lines(dir + "/full.jsonl")
        let log = dir + "/v.jsonl"
        FileManager.default.createFile(atPath: log, contents: nil)
        var written = 0
        // Appends every line up to `now` (a malformed line goes with its neighbours).
        func appendUntil(_ now: Microseconds) throws {
            var chunk = ""
            while written < all.count, (all[written].1 ?? 0) <= now {
                chunk += all[written].0 + "\n"
                written += 1
            }
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try h.seekToEnd()
            try h.write(contentsOf: Data(chunk.utf8))
            try h.close()
        }
        let store = try StateStore(directory: dir + "/state")
        let runner = CycleRunner(store: store)
        func cycle(_ now: Microseconds) async throws -> CycleReport {
            var o = CycleOptions(logPath: log, now: now)
            o.reportsDirectory = dir + "/reports"
            o.strictLog = false
            return try await runner.run(o)
        }
        try appendUntil(Self.earlier)
        let before = try await cycle(Self.earlier)
        var reports: [CycleReport] = []
        for (k, now) in Self.nightCycles.enumerated() {
            try appendUntil(now)
            if k == 5 { try FileManager.default.moveItem(atPath: log, toPath: log + ".away") }
            reports.append(try await cycle(now))
            if k == 5 { try FileManager.default.moveItem(atPath: log + ".away", toPath: log) }
        }

        let reporter = MorningReporter(store: store)
        let r = try await reporter.make(Self.night, zone: Self.utc, cycleIntervalSeconds: 3600, generatedAt: Self.night.end,
                                        origin: .daemon)

        // Cycles: twelve of the 24 hourly slots, one degraded (its log was away).
        #expect(r.cycles.scheduled == 24)
        #expect(r.cycles.completed == 12)
        #expect(r.cycles.degraded == 1 && r.cycles.failed == 0 && r.cycles.interrupted == 0)
        #expect(r.cycles.first == reports.first!.cycle && r.cycles.last == reports.last!.cycle)
        #expect(r.degraded.map { "\($0.cycle) \($0.stage)" } == ["\(reports[5].cycle) observe"])

        // Violations: what the night's cycles ingested, and what occurred in the night.
        let ingested = reports.reduce(0) { $0 + ($1.ingest?.ingested ?? 0) }
        #expect(r.violations.ingested == ingested)
        #expect(r.violations.ingested == (try store.totals().violations) - before.ingest!.ingested)
        #expect(r.violations.malformed == Int64(reports.reduce(0) { $0 + ($1.ingest?.malformed.total ?? 0) }))
        #expect(r.violations.malformed > 0)
        let occurred = all.prefix(written).filter { t in t.1.map { $0 >= Self.night.start && $0 < Self.night.end } ?? false }.count
        #expect(r.violations.occurred == Int64(occurred))
        #expect(r.patterns.reduce(0) { $0 + $1.nightCount } == r.violations.occurred)

        // Patterns and trends: the last cycle's; hourly counts add up; the top five charted.
        let last = reports.last!
        #expect(r.patterns.map(\.function) == last.analysis.patterns.map(\.functionName))
        #expect(r.patterns.map(\.trend) == last.analysis.patterns.map(\.trend))
        #expect(r.patterns.allSatisfy { $0.hourly.count == 24 && $0.hourly.reduce(0, +) == $0.nightCount })
        #expect(r.hourLabels.first == "07:00" && r.hourLabels.last == "06:00")
        let charted = r.chartedPatterns
        #expect(charted.count == 5)
        #expect(charted.map(\.nightCount) == r.patterns.map(\.nightCount).sorted(by: >).prefix(5).map { $0 })

        // Proposals: the store's pending ones, every one ranked once.
        let pending = try store.pendingProposals()
        #expect(!pending.isEmpty)
        #expect(Set(r.proposals.map(\.id)) == Set(pending.map(\.id)))
        #expect(r.narrative.ranking.sorted() == pending.map(\.id).sorted())

        // Forecasts: the last cycle's, and the accuracy the store measured: the earlier
        // cycle's forecasts were scored by the night's first.
        #expect(r.forecasts.map(\.function) == last.predictions.map(\.function))
        let accuracy = last.forecastAccuracy!
        #expect(accuracy.allTime.forecasts == before.predictions.count)
        #expect(r.accuracy?.scored == accuracy.allTime.forecasts)
        #expect(r.accuracy?.scoredInNight == before.predictions.count)
        #expect(r.accuracy?.mape == accuracy.allTime.mape)
        #expect(r.accuracy?.pending == accuracy.pending)

        // What the cycles recorded is carried over; what they did not is not filled in.
        #expect(r.models.isEmpty && r.apiCalls.remote == nil)
        #expect(r.vectorMemory?.entries == (try store.memoryStats().entries))
        #expect((r.peakRssBytes ?? 0) > 0)
        #expect(r.text().contains("Cycles: 12 completed of 24 scheduled (every 1 h)"))

        // Written, kept, and read back the same.
        let files = try MorningReporter.write(r, to: dir + "/reports")
        #expect(files.markdown.hasSuffix("/morning-2025-10-08.md"))
        let svg = try Data(contentsOf: URL(fileURLWithPath: files.chart))
        #expect(XMLParser(data: svg).parse())
        #expect(try String(contentsOfFile: files.markdown, encoding: .utf8).contains("![Violations per hour of the top patterns](morning-2025-10-08.svg)"))
        try reporter.save(r, writtenAt: Self.night.end)
        let stored = try store.morningReport(date: "2025-10-08")
        #expect(try MorningReport.decode(json: stored!.json) == r)
        #expect(try store.morningReport(date: nil)?.date == "2025-10-08")
        #expect(try store.morningReport(date: "2025-10-07") == nil)
        #expect(try store.schemaVersion() == 14)
    }
}

import Cycle
import FeedbackLoop
import Foundation
@testable import StateStore
import Synchronization
import Testing

/// A cycle reads its history while Observe scans, then after its commit only the hours
/// its lines touched. What it gets must be what a whole read after the commit gives —
/// late lines in old hours and other writers included.
@Suite struct BucketSnapshotTests {
    static let range: (from: Int32, to: Int32) = (Timestamp.hour(of: Timestamp.parse("2025-10-06T00:00:00Z")!),
                                                  Timestamp.hour(of: Timestamp.parse("2025-10-07T23:00:00Z")!))

    /// A store that has read two days of lines, and its log.
    static func store(_ dir: String) async throws -> (StateStore, String) {
        let log = dir + "/v.jsonl"
        var text = ""
        for hour in 0..<48 {
            let day = 6 + hour / 24, h = hour % 24
            text += HourIndexTests.line(String(format: "2025-10-%02dT%02d:10:00Z", day, h), "create_planner_agent")
            if hour % 3 == 0 { text += HourIndexTests.line(String(format: "2025-10-%02dT%02d:40:00Z", day, h), "run_quality_gate") }
        }
        try text.write(toFile: log, atomically: false, encoding: .utf8)
        let store = try StateStore(directory: dir + "/state")
        _ = try await CycleRunner(store: store).run(options(log, dir))
        return (store, log)
    }

    static func append(_ lines: String, to log: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try h.seekToEnd()
        try h.write(contentsOf: Data(lines.utf8))
        try h.close()
    }

    /// What Observe does: read what is new, begin a cycle and commit them together.
    /// Returns the cycle and the first hour its lines fall in.
    static func commitNewLines(_ store: StateStore, _ log: String) async throws -> (cycle: Int64, touchedFrom: Int32?) {
        let result = try await LogIngest.read(path: log, known: try store.logFiles())
        let cycle = try store.batch { () throws -> Int64 in
            let c = try store.beginCycle(at: end)
            try store.commit(result, cycle: c, at: end)
            return c
        }
        return (cycle, result.batch.buckets.keys.map(\.hour).min())
    }

    static func described(_ rows: [BucketRow]) -> [String] {
        rows.map { "\($0.hour) \($0.function) \($0.signature) \($0.totals.count) \($0.totals.first) \($0.totals.last) \($0.severities)" }
    }

    @Test func lateAndNewLinesReadThroughTheSnapshotEqualAWholeRead() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, log) = try await Self.store(dir)
        let snapshot = try store.bucketSnapshot(fromHour: Self.range.from, toHour: Self.range.to)
        // A line late by a day (an old hour, an existing bucket), a new function in an
        // old hour, and a line in the last hour.
        try Self.append(HourIndexTests.line("2025-10-06T05:20:00Z", "create_planner_agent")
            + HourIndexTests.line("2025-10-06T07:20:00Z", "create_mock_agent", "Article I: Incomplete context")
            + HourIndexTests.line("2025-10-07T23:50:00Z", "run_quality_gate"), to: log)
        let (cycle, touched) = try await Self.commitNewLines(store, log)
        #expect(touched == Timestamp.hour(of: Timestamp.parse("2025-10-06T05:20:00Z")!))
        let stale = try #require(snapshot.rows)
        let through = try store.buckets(fromHour: Self.range.from, toHour: Self.range.to, through: snapshot,
                                        cycle: cycle, touchedFrom: touched)
        let whole = try store.buckets(fromHour: Self.range.from, toHour: Self.range.to)
        #expect(Self.described(through) == Self.described(whole))
        #expect(through == whole)
        // The snapshot itself is stale from the late hour on: the comparison means something.
        #expect(Self.described(stale) != Self.described(whole))
        #expect(whole.reduce(0) { $0 + $1.totals.count } == 48 + 16 + 3)
        // Its rows were taken: a second read through it reads the whole range.
        #expect(snapshot.rows == nil)
        #expect(try store.buckets(fromHour: Self.range.from, toHour: Self.range.to, through: snapshot,
                                  cycle: cycle, touchedFrom: touched) == whole)
    }

    /// On one connection (a one-shot command) the snapshot is read on a second, read-only
    /// one: it does not wait for the write in progress, and sees nothing of it.
    @Test func onOneConnectionTheSnapshotDoesNotWaitForTheWrite() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (_, log) = try await Self.store(dir)
        let store = try StateStore(directory: dir + "/state", concurrentReads: false)
        let before = try store.buckets(fromHour: Self.range.from, toHour: Self.range.to)
        try Self.append(HourIndexTests.line("2025-10-06T05:20:00Z", "create_planner_agent"), to: log)
        let result = try await LogIngest.read(path: log, known: try store.logFiles())
        let readDuringTheWrite = try store.batch { () throws -> [BucketRow]? in
            try store.commit(result, cycle: try store.beginCycle(at: end), at: end)
            // From another thread, as Observe does: on the writer's own connection this
            // read would wait for the batch, which waits for it here.
            let done = DispatchSemaphore(value: 0)
            let rows = Mutex<[BucketRow]?>(nil)
            Thread.detachNewThread {
                let read = try? store.bucketSnapshot(fromHour: Self.range.from, toHour: Self.range.to).rows
                rows.withLock { $0 = read }
                done.signal()
            }
            guard done.wait(timeout: .now() + 10) == .success else { return nil }
            return rows.withLock { $0 }
        }
        let read = try #require(readDuringTheWrite, "the snapshot waited for the write to end")
        #expect(read == before)
        let after = try store.buckets(fromHour: Self.range.from, toHour: Self.range.to)
        #expect(after.reduce(0) { $0 + $1.totals.count } == before.reduce(0) { $0 + $1.totals.count } + 1)
    }

    @Test func aCycleWithNoNewLineKeepsTheSnapshotsRows() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, log) = try await Self.store(dir)
        let snapshot = try store.bucketSnapshot(fromHour: Self.range.from, toHour: Self.range.to)
        let (cycle, touched) = try await Self.commitNewLines(store, log)
        #expect(touched == nil)
        #expect(try store.buckets(fromHour: Self.range.from, toHour: Self.range.to, through: snapshot, cycle: cycle,
                                  touchedFrom: nil) == store.buckets(fromHour: Self.range.from, toHour: Self.range.to))
    }

    /// Another writer (a lock bypassed) committed a late line after the snapshot; this
    /// cycle's own lines touch only the last hour. Splicing at that hour would miss the
    /// other's line: the whole range is read again.
    @Test func anotherCycleSinceTheSnapshotMeansAWholeRead() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, log) = try await Self.store(dir)
        let snapshot = try store.bucketSnapshot(fromHour: Self.range.from, toHour: Self.range.to)
        try Self.append(HourIndexTests.line("2025-10-06T02:20:00Z", "create_planner_agent"), to: log)
        _ = try await Self.commitNewLines(store, log)
        try Self.append(HourIndexTests.line("2025-10-07T23:55:00Z", "create_planner_agent"), to: log)
        let (cycle, touched) = try await Self.commitNewLines(store, log)
        #expect(touched == Self.range.to)
        let through = try store.buckets(fromHour: Self.range.from, toHour: Self.range.to, through: snapshot,
                                        cycle: cycle, touchedFrom: touched)
        #expect(Self.described(through) == Self.described(try store.buckets(fromHour: Self.range.from, toHour: Self.range.to)))
        #expect(through.reduce(0) { $0 + $1.totals.count } == 48 + 16 + 2)
    }

    /// The whole cycle: two cycles with late lines, their reports' analyses equal to
    /// one made from a whole read of the same store.
    @Test func aCyclesAnalysisIsTheWholeReadsAnalysis() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, log) = try await Self.store(dir)
        try Self.append(HourIndexTests.line("2025-10-06T01:05:00Z", "run_quality_gate")
            + HourIndexTests.line("2025-10-07T22:05:00Z", "create_planner_agent"), to: log)
        let report = try await CycleRunner(store: store).run(options(log, dir))
        let o = options(log, dir)
        #expect(o.window == .days(7))
        let window = AnalysisWindow.lastDays(7, now: o.now)
        let from = min(window.startHour, window.endHour - Int32(Predictor.historyHours(o.forecast)))
        let whole = Analyzer.analyze(try store.buckets(fromHour: from, toHour: window.endHour), window: window,
                                     settings: o.settings, rate: o.forecast, firstSeen: try store.firstSeen())
        #expect(report.analysis.violationsAnalyzed == whole.violationsAnalyzed)
        #expect(report.analysis.violationsAnalyzed == 48 + 16 + 2)
        #expect(report.analysis.patterns.map(\.frequency).sorted() == whole.patterns.map(\.frequency).sorted())
        #expect(report.analysis.patterns.count == 2)
    }
}

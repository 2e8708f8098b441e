import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore
import Systemd
import Testing
@testable import Daemon

/// When the morning report is written: local time, once per date, late after a
/// suspend, never twice.
@Suite struct MorningScheduleTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!
    static let schedule = MorningSchedule(time: ClockTime(hour: 7, minute: 0), zone: paris)
    static func at(_ iso: String) -> Microseconds { Timestamp.parse(iso)! }
    static func date(_ s: String) -> LocalDate { LocalDate(s)! }

    @Test func itIsDueAtTheLocalReportTime() {
        let s = Self.schedule
        let yesterday = Self.date("2025-10-07")
        // 07:00 in Paris is 05:00 UTC in October (CEST).
        #expect(s.due(now: Self.at("2025-10-08T04:59:59Z"), lastWritten: yesterday) == nil)
        #expect(s.due(now: Self.at("2025-10-08T05:00:00Z"), lastWritten: yesterday) == Self.date("2025-10-08"))
        #expect(s.nextDue(after: Self.at("2025-10-08T04:00:00Z")) == Self.at("2025-10-08T05:00:00Z"))
        #expect(s.nextDue(after: Self.at("2025-10-08T05:00:00Z")) == Self.at("2025-10-09T05:00:00Z"))
        // In winter (CET) the same 07:00 is 06:00 UTC.
        #expect(s.due(now: Self.at("2025-12-01T05:30:00Z"), lastWritten: Self.date("2025-11-30")) == nil)
        #expect(s.due(now: Self.at("2025-12-01T06:00:00Z"), lastWritten: Self.date("2025-11-30")) == Self.date("2025-12-01"))
    }

    @Test func aSuspendPastTheReportTimeWritesItOnceLate() {
        let s = Self.schedule
        // Asleep from 06:50 to 11:20 local: at wake-up, today's report, once.
        let wake = Self.at("2025-10-08T09:20:00Z")
        #expect(s.due(now: wake, lastWritten: Self.date("2025-10-07")) == Self.date("2025-10-08"))
        #expect(s.due(now: wake + 60_000_000, lastWritten: Self.date("2025-10-08")) == nil)
        // Off for three days: only the latest date's report, not three.
        #expect(s.due(now: Self.at("2025-10-11T09:00:00Z"), lastWritten: Self.date("2025-10-07")) == Self.date("2025-10-11"))
    }

    @Test func neverTwiceNotEvenWhenTheClockGoesBack() {
        let s = Self.schedule
        #expect(s.due(now: Self.at("2025-10-08T05:00:01Z"), lastWritten: Self.date("2025-10-08")) == nil)
        // The clock set back a day: that date is written already.
        #expect(s.due(now: Self.at("2025-10-07T06:00:00Z"), lastWritten: Self.date("2025-10-08")) == nil)
        // A first start does not write a late report for a night it did not watch.
        let start = Self.at("2025-10-08T10:00:00Z")
        #expect(s.due(now: start, lastWritten: s.initialLastWritten(now: start)) == nil)
        #expect(s.initialLastWritten(now: Self.at("2025-10-08T04:00:00Z")) == Self.date("2025-10-07"))
    }

    /// The daemon's duty over a real store: written once per date (the date kept in
    /// the store's meta, so a restart does not write it again), files and one stored
    /// report per date.
    @Test func theDutyWritesEachDateOnceAcrossRestarts() async throws {
        let dir = NSTemporaryDirectory() + "cc-morning-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        var config = DaemonConfig()
        config.reportsDir = dir + "/reports"
        config.morningReportAt = ClockTime(hour: 7, minute: 0)
        let logger = Logger(label: "test")
        let zoneNow = TimeZone.current
        func instant(_ d: String, _ h: Int, _ m: Int) -> Microseconds {
            Night.instant(of: Self.date(d), at: ClockTime(hour: h, minute: m), in: zoneNow)
        }
        func supervisor() -> Supervisor {
            Supervisor(config: config, configFile: nil, environment: [:], store: store, notifier: Notifier(environment: [:]),
                       logger: logger, seams: SupervisorSeams(wallClock: { 0 }, zone: zoneNow))
        }
        let first = supervisor()
        // First start at 06:00: nothing for yesterday; today's at 07:00, once.
        #expect(await first.morningReportIfDue(now: instant("2025-10-08", 6, 0)) == false)
        #expect(await first.nextMorningReport(after: instant("2025-10-08", 6, 0)) == instant("2025-10-08", 7, 0))
        #expect(await first.morningReportIfDue(now: instant("2025-10-08", 7, 0)) == true)
        #expect(await first.morningReportIfDue(now: instant("2025-10-08", 7, 1)) == false)
        #expect(try store.meta(StateStore.lastMorningReportKey) == "2025-10-08")
        #expect(FileManager.default.fileExists(atPath: dir + "/reports/morning-2025-10-08.md"))
        #expect(FileManager.default.fileExists(atPath: dir + "/reports/morning-2025-10-08.svg"))
        // A restart later that morning: the store says it is written.
        let second = supervisor()
        #expect(await second.morningReportIfDue(now: instant("2025-10-08", 9, 0)) == false)
        // Suspended over the next morning: written late, at wake-up.
        #expect(await second.morningReportIfDue(now: instant("2025-10-09", 11, 30)) == true)
        let stored = try MorningReport.decode(json: try store.morningReport(date: "2025-10-09")!.json)
        #expect(stored.origin == .daemon)
        #expect(stored.night.date == Self.date("2025-10-09"))
        #expect(try store.morningReport(date: "2025-10-07") == nil)
    }
}

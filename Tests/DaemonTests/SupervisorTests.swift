import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore
import Synchronization
import Systemd
import Testing
@testable import Daemon

/// A wall clock the test moves: sleeping advances it, so hours pass in milliseconds.
private final class FakeClock: Sendable {
    private let micros: Mutex<Microseconds>
    /// Whether a sleep moves the clock; frozen, time moves only when the test says.
    private let running = Mutex(true)
    init(_ start: Microseconds) { micros = Mutex(start) }
    var now: Microseconds { micros.withLock { $0 } }
    func freeze() { running.withLock { $0 = false } }
    func resume() { running.withLock { $0 = true } }
    func sleep(_ d: Duration) async throws {
        if running.withLock({ $0 }) { advance(d) } else { try await Task.sleep(for: .milliseconds(1)) }
        await Task.yield()
    }
    func advance(_ d: Duration) {
        let us = d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
        micros.withLock { $0 += max(us, 1) }
    }
    func jump(hours: Int64) { micros.withLock { $0 += hours * Timestamp.microsPerHour } }
}

/// A cycle runner that records when each cycle ran and can hang in a stage.
private final class CycleRecorder: Sendable {
    private let runs = Mutex<[Microseconds]>([])
    let hang: Bool
    init(hang: Bool = false) { self.hang = hang }
    var instants: [Microseconds] { runs.withLock { $0 } }

    func run(_ store: StateStore, _ o: CycleOptions) async throws -> CycleReport {
        let n = runs.withLock { $0.append(o.now); return Int64($0.count) }
        await o.progress?(CycleProgress(cycle: n, stage: .observe, detail: "test"))
        if hang { try await Task.sleep(for: .seconds(3600)) }
        let window = AnalysisWindow.lastDays(7, now: o.now)
        return CycleReport(cycle: n, timestamp: o.now, analysis: Analyzer.analyze([], window: window, settings: o.settings),
                           ingest: nil, proposals: [], stages: [])
    }
}

/// The supervisor in process, with an injected clock and cycle runner, as
/// swift-service-lifecycle tests a ServiceGroup with MockServices: the schedule, the
/// catch-up after a suspend, a stuck stage stopping the watchdog, a reload.
@Suite struct SupervisorTests {
    static let start = Timestamp.parse("2026-01-05T10:00:30+00:00")!

    private static func make(_ clock: FakeClock, _ recorder: CycleRecorder, config: DaemonConfig = DaemonConfig(),
                             configFile: String? = nil, dir: String) throws -> Supervisor {
        var c = config
        c.reportsDir = dir + "/reports"
        c.modelStages = false
        return Supervisor(config: c, configFile: configFile, environment: [:], store: try StateStore(directory: dir),
                          notifier: Notifier(environment: [:]), logger: Logger(label: "supervisor-test"),
                          seams: SupervisorSeams(wallClock: { clock.now }, sleep: { try await clock.sleep($0) },
                                                 zone: TimeZone(identifier: "UTC")!,
                                                 runCycle: { try await recorder.run($0, $1) }))
    }

    private static func until(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    private static func dir() -> String {
        let d = NSTemporaryDirectory() + "cc-supervisor-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func cyclesRunAtStartThenOnEverySlot() async throws {
        let d = Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let clock = FakeClock(Self.start)
        let recorder = CycleRecorder()
        var c = DaemonConfig()
        c.cycleInterval = .seconds(900)
        let supervisor = try Self.make(clock, recorder, config: c, dir: d)
        let loop = Task { await supervisor.run() }
        #expect(await Self.until { recorder.instants.count >= 4 })
        loop.cancel()
        await loop.value
        let runs = recorder.instants.prefix(4).map(Timestamp.iso8601)
        #expect(runs[0] == "2026-01-05T10:00:30+00:00")
        #expect(Array(runs[1...]) == ["2026-01-05T10:15:00+00:00", "2026-01-05T10:30:00+00:00", "2026-01-05T10:45:00+00:00"])
    }

    /// AUTONOMOUS_NIGHT_RUN: the cycle at start runs whatever the hour; then only the
    /// slots between NIGHT_STARTS_AT and MORNING_REPORT_AT.
    @Test func aNightRunKeepsToItsWindow() async throws {
        let d = Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let clock = FakeClock(Self.start)
        let recorder = CycleRecorder()
        var c = DaemonConfig()
        c.cycleInterval = .seconds(900)
        c.autonomousNightRun = true
        c.nightStartsAt = ClockTime(hour: 10, minute: 40)
        c.morningReportAt = ClockTime(hour: 11, minute: 20)
        let supervisor = try Self.make(clock, recorder, config: c, dir: d)
        let loop = Task { await supervisor.run() }
        #expect(await Self.until { recorder.instants.count >= 4 })
        let status = await supervisor.snapshot()
        loop.cancel()
        await loop.value
        let runs = recorder.instants.prefix(4).map(Timestamp.iso8601)
        #expect(runs == ["2026-01-05T10:00:30+00:00", "2026-01-05T10:45:00+00:00", "2026-01-05T11:00:00+00:00",
                         "2026-01-05T11:15:00+00:00"], "\(runs)")
        // After the night, the next cycle is the next night's first slot.
        #expect(Timestamp.iso8601(status.nextCycle) == "2026-01-06T10:45:00+00:00")
    }

    @Test func aSuspendOfFiveHoursRunsOneCycleNotFive() async throws {
        let d = Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let clock = FakeClock(Self.start)
        let recorder = CycleRecorder()
        clock.freeze()
        let supervisor = try Self.make(clock, recorder, dir: d)
        let loop = Task { await supervisor.run() }
        #expect(await Self.until { recorder.instants.count >= 1 })
        clock.jump(hours: 5)  // suspended: the wall clock leaps past five slots
        #expect(await Self.until { recorder.instants.count >= 2 })
        clock.resume()
        #expect(await Self.until { recorder.instants.count >= 3 })
        loop.cancel()
        await loop.value
        let runs = recorder.instants.map(Timestamp.iso8601)
        // One cycle on waking, then the next hour — not one per missed slot.
        #expect(runs[1] == "2026-01-05T15:00:30+00:00", "\(runs)")
        #expect(runs[2] == "2026-01-05T16:00:00+00:00", "\(runs)")
    }

    @Test func aStuckStageStopsTheWatchdogPings() async throws {
        let d = Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        var c = DaemonConfig()
        c.stageTimeout = .seconds(1)
        let clock = FakeClock(Self.start)
        let recorder = CycleRecorder(hang: true)
        let supervisor = try Self.make(clock, recorder, config: c, dir: d)
        let loop = Task { await supervisor.run() }
        #expect(await Self.until { recorder.instants.count == 1 })
        #expect(await supervisor.isHealthy())   // within its deadline
        #expect(await Self.until(30) { await !supervisor.isHealthy() })
        loop.cancel()
        await loop.value
        #expect(await supervisor.isHealthy())   // idle again once the cycle is abandoned
    }

    @Test func aReloadKeepsTheOldConfigurationWhenTheNewIsRefused() async throws {
        let d = Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let file = d + "/consciousness.env"
        try "CYCLE_INTERVAL=1h\n".write(toFile: file, atomically: true, encoding: .utf8)
        let clock = FakeClock(Self.start)
        let supervisor = try Self.make(clock, CycleRecorder(), configFile: file, dir: d)
        try "CYCLE_INTERVAL=inf\n".write(toFile: file, atomically: true, encoding: .utf8)
        await supervisor.reload()
        #expect(await supervisor.currentConfig.cycleInterval == .seconds(3600))
        try "CYCLE_INTERVAL=15m\n".write(toFile: file, atomically: true, encoding: .utf8)
        await supervisor.reload()
        #expect(await supervisor.currentConfig.cycleInterval == .seconds(900))
    }

    @Test func theMorningReportIsWrittenBetweenCyclesAtItsHour() async throws {
        let d = Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        var c = DaemonConfig()
        c.morningReportAt = ClockTime(hour: 10, minute: 20)
        c.cycleInterval = .seconds(900)
        let clock = FakeClock(Self.start)
        let recorder = CycleRecorder()
        let supervisor = try Self.make(clock, recorder, config: c, dir: d)
        let loop = Task { await supervisor.run() }
        #expect(await Self.until { recorder.instants.count >= 4 })
        loop.cancel()
        await loop.value
        #expect(FileManager.default.fileExists(atPath: d + "/reports/morning-2026-01-05.md"))
        let store = try StateStore(directory: d)
        #expect(try store.meta(StateStore.lastMorningReportKey) == "2026-01-05")
    }
}

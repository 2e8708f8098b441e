import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore
import Systemd

/// The one owner of the daemon's mutable state: the configuration in force, the
/// schedule, the cycle in progress and its stage deadline. Cycles themselves run off
/// the actor (the stages are plain async functions), so the actor stays free to
/// answer the watchdog and the signals while one runs.
public actor Supervisor {
    public enum Phase: Sendable, Equatable {
        case idle
        case running(cycle: Int64, stage: String, deadline: ContinuousClock.Instant)
    }

    private var config: DaemonConfig
    /// The configuration in force (reloaded on SIGHUP).
    public var currentConfig: DaemonConfig { config }
    private let configFile: String?
    private let environment: [String: String]
    let store: StateStore
    private let notifier: Notifier
    let logger: Logger
    let seams: SupervisorSeams
    private var wallClock: @Sendable () -> Microseconds { seams.wallClock }
    private let outbound: (@Sendable () -> OutboundRequests)?
    private let models: (any ModelStages)?
    private let memoryAvailable: (@Sendable () -> Int64?)?
    private let clock = ContinuousClock()
    /// The morning report's narrator for a configuration: made at each report, so a
    /// reload's AGENCY_MODE, API and cap apply to the next one.
    let narrator: (@Sendable (DaemonConfig) -> Narrator?)?
    /// After a failed morning report, not again before this instant (the same date).
    var morningRetry: (date: LocalDate, at: Microseconds)?

    public private(set) var phase = Phase.idle
    private var lastSlot: Int64?
    private var runNow = false
    private var stuckReported = false
    private var lastSummary = "no cycle yet"
    private var waiter: CheckedContinuation<Void, Never>?
    private var pendingWake = false
    private var sleepGeneration = 0
    /// Cycles completed since start (for tests and the footprint benchmark).
    public private(set) var completedCycles = 0
    /// When the supervisor was made: the "active since" of `status`.
    private let startedAt: Microseconds
    /// The memory plan's one line, once the start-up survey has made it.
    private var memoryLine: String?
    /// What READY=1 waits for (the control socket), if anything.
    private let readyAfter: StartupGate?

    public init(config: DaemonConfig, configFile: String?, environment: [String: String], store: StateStore,
                notifier: Notifier, logger: Logger, seams: SupervisorSeams = .live,
                outbound: (@Sendable () -> OutboundRequests)? = nil, models: (any ModelStages)? = nil,
                memoryAvailable: (@Sendable () -> Int64?)? = nil,
                narrator: (@Sendable (DaemonConfig) -> Narrator?)? = nil, readyAfter: StartupGate? = nil) {
        self.readyAfter = readyAfter
        self.narrator = narrator
        self.outbound = outbound
        self.models = models
        self.memoryAvailable = memoryAvailable
        self.config = config
        self.configFile = configFile
        self.environment = environment
        self.store = store
        self.notifier = notifier
        self.logger = logger
        self.seams = seams
        self.startedAt = seams.wallClock()
    }

    /// What the daemon is doing, for `status` over the control socket.
    public struct Snapshot: Sendable, Codable, Equatable {
        public var pid: Int32
        /// Microseconds since the epoch.
        public var since: Microseconds
        /// "idle", or the cycle and stage in progress.
        public var activity: String
        public var nextCycle: Microseconds
        /// The STATUS= line's summary of the last cycle.
        public var lastSummary: String
        public var enabled: Bool
        public var memoryPlan: String?
        /// AGENCY_MODE=hybrid: the night the remote Architect's next calls count against
        /// (the next morning report's date), its cap and its API's host.
        public var remote: Remote?

        public struct Remote: Sendable, Codable, Equatable {
            public var night: String
            public var capUSD: Double
            public var host: String
        }
    }

    public func snapshot() -> Snapshot {
        let activity = switch phase {
        case .idle: "idle"
        case .running(0, let stage, _): stage
        case .running(let cycle, let stage, _): "cycle \(cycle): \(stage)"
        }
        return Snapshot(pid: getpid(), since: startedAt, activity: activity, nextCycle: nextDue(), lastSummary: lastSummary,
                        enabled: config.enableConsciousness, memoryPlan: memoryLine, remote: remoteSnapshot())
    }

    private func remoteSnapshot() -> Snapshot.Remote? {
        guard let r = config.remote else { return nil }
        let s = morningSchedule
        let night = Night.latestDate(atOrBefore: s.nextDue(after: wallClock()), at: s.time, in: s.zone)
        return .init(night: night.description, capUSD: r.budgetUSDPerNight, host: r.host)
    }

    /// The memory plan in a line, from the daemon's start-up survey.
    public func memoryPlanned(_ line: String) { memoryLine = line }

    private var schedule: Schedule { Schedule(interval: config.cycleInterval) }

    /// With AUTONOMOUS_NIGHT_RUN, the hours scheduled cycles keep to.
    private var nightWindow: NightWindow? { config.nightWindow(zone: seams.zone) }

    /// The scheduling loop, until cancelled.
    public func run() async {
        if !config.runAtStart { lastSlot = schedule.slot(at: wallClock()) }
        if config.autonomousNightRun {
            logger.notice("AUTONOMOUS_NIGHT_RUN=true: scheduled cycles only from \(config.nightStartsAt) to \(config.morningReportAt) local time")
        }
        await readyAfter?.wait()
        notifier.ready(status: "ready · next \(clockText(nextDue()))")
        logger.notice("started", metadata: ["next": "\(Timestamp.iso8601(nextDue()))", "log": "\(config.logPath)"])
        while !Task.isCancelled {
            let now = wallClock()
            if runNow || isDue(now) {
                let manual = runNow
                runNow = false
                let previous = lastSlot
                lastSlot = schedule.slot(at: now)
                // A cycle by hand holds the state directory: this slot stays due, and
                // the next try waits for the lock again (bounded by lockWait).
                if await runCycle(manual: manual) == .busy { lastSlot = previous; runNow = manual }
                continue
            }
            // The morning report, between cycles (a cycle due at the same time runs first),
            // under a stage deadline like a cycle's: the Architect may take minutes, and a
            // hung one must stop the watchdog pings and get more time at a SIGTERM.
            phase = .running(cycle: 0, stage: "morning report", deadline: clock.now + config.stageTimeout)
            let reported = await morningReportIfDue(now: now)
            phase = .idle
            if reported { continue }
            // Sleep in slices of at most a minute, so a suspend or a clock change is
            // noticed within one; a signal wakes the loop at once.
            let wait = Double(min(nextDue(), nextMorningReport(after: now)) - now) / 1_000_000
            await pause(.milliseconds(Int64(min(max(wait, 0.01), 60) * 1000)))
        }
    }

    private func nextDue() -> Microseconds {
        guard let lastSlot else { return wallClock() }
        let next = schedule.nextDue(after: lastSlot)
        return nightWindow?.firstDue(interval: schedule.interval, from: next) ?? next
    }

    /// A scheduled cycle is due: the first one (RUN_AT_START) at once; then at each new
    /// slot — with a night run, at the first moment in the window after the last one
    /// (the day's slots pass unrun, and a night with no slot boundary still gets its
    /// cycle at the window's opening).
    private func isDue(_ now: Microseconds) -> Bool {
        guard lastSlot != nil, nightWindow != nil else { return schedule.isDue(now: now, lastSlot: lastSlot) }
        return now >= nextDue()
    }

    private enum CycleEnd { case ran, busy }

    @discardableResult
    private func runCycle(manual: Bool) async -> CycleEnd {
        guard config.enableConsciousness else {
            lastSummary = "ENABLE_CONSCIOUSNESS=false: cycle skipped"
            notifier.status("\(lastSummary) · next \(clockText(nextDue()))")
            return .ran
        }
        defer { phase = .idle }
        let started = clock.now
        var o = Composition(config, wallClock: wallClock).cycleOptions()
        o.strictLog = false
        o.progress = { [weak self] p in await self?.stageStarted(p) }
        o.outboundRequests = outbound
        o.models = config.modelStages ? models : nil
        o.memoryAvailable = memoryAvailable
        o.recordWithCycle = ["next_cycle_us": String(nextDue())]
        o.readProgress = ReadProgressStatus.handler(notifier, next: clockText(nextDue()))
        o.lockHolder = "consciousness daemon"
        o.lockWait = Self.lockWait
        do {
            let report = try await seams.runCycle(store, o)
            finished(report, manual: manual, took: clock.now - started)
        } catch CycleError.busy(let busy) {
            logger.warning("cycle postponed: \(busy)")
            notifier.status("waiting: \(busy.holder) holds the state directory")
            return .busy
        } catch is CancellationError {
            logger.notice("cycle abandoned at shutdown; nothing half-committed", metadata: stageMetadata())
        } catch {
            logger.error("cycle failed: \(error)", metadata: stageMetadata())
            lastSummary = "last cycle failed: \(error)"
            notifier.status("\(lastSummary) · next \(clockText(nextDue()))")
        }
        return .ran
    }

    /// How long a scheduled cycle waits for one run by hand before trying again.
    static let lockWait = Duration.seconds(30)

    private func stageStarted(_ p: CycleProgress) {
        phase = .running(cycle: p.cycle, stage: p.stage.rawValue, deadline: clock.now + config.stageTimeout)
        stuckReported = false
        notifier.status("cycle \(p.cycle): \(p.detail) · next \(clockText(nextDue()))")
        logger.info("\(p.detail)", metadata: ["cycle": "\(p.cycle)", "stage": "\(p.stage)"])
    }

    private func stageMetadata() -> Logger.Metadata {
        guard case .running(let c, let s, _) = phase else { return [:] }
        return ["cycle": "\(c)", "stage": "\(s)"]
    }

    private func finished(_ r: CycleReport, manual: Bool, took: Duration) {
        completedCycles += 1
        let degraded = r.degradedStages
        let result = CycleResult.of(r.stages)
        let pending = r.proposalsPending
        var meta: Logger.Metadata = [
            "cycle": "\(r.cycle)", "result": "\(result)", "trigger": "\(manual ? "SIGUSR1" : "schedule")",
            "violations": "\(r.analysis.violationsAnalyzed)", "new_lines": "\(r.ingest?.linesRead ?? 0)",
            "malformed": "\(r.ingest?.malformed.total ?? 0)", "patterns": "\(r.analysis.patterns.count)",
            "proposals_pending": "\(pending)", "forecasts": "\(r.predictions.count)",
            "duration_ms": "\(Int(took.seconds * 1000))",
        ]
        if !degraded.isEmpty {
            meta["degraded"] = "\(degraded.map(\.stage.rawValue).joined(separator: ","))"
            for s in degraded { logger.warning("\(s.stage) degraded: \(s.detail)", metadata: ["cycle": "\(r.cycle)", "stage": "\(s.stage)"]) }
        }
        for e in r.ingest?.events ?? [] {
            // A loss is an error a person must hear of; a drained rotation is routine.
            let meta: Logger.Metadata = ["cycle": "\(r.cycle)", "stage": "observe", "log_event": "\(e.kind.rawValue)",
                                         "path": "\(e.path)", "bytes_read": "\(e.bytesRead)"]
            switch e.kind {
            case .lost: logger.error("\(e.summary)", metadata: meta)
            case .copytruncate, .replaced: logger.warning("\(e.summary)", metadata: meta)
            case .rotated: logger.notice("\(e.summary)", metadata: meta)
            }
        }
        if let m = r.ingest?.malformed, m.total > 0 {
            let reasons = m.entries.sorted { $0.key < $1.key }
                .map { "\($0.key.rawValue) \($0.value.count) (first at line \($0.value.firstLines.first ?? 0))" }
            logger.warning("\(m.total) malformed lines skipped: \(reasons.joined(separator: ", "))",
                           metadata: ["cycle": "\(r.cycle)", "stage": "observe", "malformed": "\(m.total)"])
        }
        logger.notice("cycle \(r.cycle) \(result): \(r.summary)", metadata: meta)
        let new = r.ingest.map { "\(Format.group($0.ingested)) new violations" } ?? "log unreadable"
        lastSummary = "cycle \(r.cycle) \(result): \(new), \(r.analysis.patterns.count) patterns, \(pending) proposals pending"
        notifier.status("\(lastSummary) · next \(clockText(nextDue()))")
    }

    /// True while the supervisor is making progress: idle, or in a stage that is
    /// within its deadline. The watchdog pings only then, so a hung cycle gets the
    /// service restarted.
    public func isHealthy() -> Bool {
        guard case .running(let cycle, let stage, let deadline) = phase, clock.now > deadline else { return true }
        if !stuckReported {
            stuckReported = true
            logger.critical("stage \(stage) of cycle \(cycle) is past its deadline (\(Int(config.stageTimeout.seconds))s); watchdog pings stopped",
                            metadata: ["cycle": "\(cycle)", "stage": "\(stage)"])
            notifier.status("cycle \(cycle): \(stage) stuck past its deadline")
        }
        return false
    }

    /// SIGUSR1, or `consciousness cycle --now` over the control socket: a cycle now
    /// (after the current one, if one is running).
    public func requestCycle(by whom: String = "SIGUSR1") {
        logger.notice("\(whom): running a cycle now")
        runNow = true
        wake()
    }

    /// SIGHUP: re-read the configuration file. A bad one is refused and the old one
    /// kept; the refusal is logged and shown in the status line.
    public func reload() {
        notifier.reloading()
        do {
            let fresh = try DaemonConfig.load(file: configFile, environment: environment)
            for k in fresh.unknownKeys { logger.warning("unknown configuration key \(k) ignored", metadata: ["key": "\(k)"]) }
            let intervalChanged = fresh.cycleInterval != config.cycleInterval
            config = fresh
            if intervalChanged, lastSlot != nil { lastSlot = schedule.slot(at: wallClock()) }
            logger.notice("configuration reloaded", metadata: ["file": "\(configFile ?? "(environment)")"])
            notifier.send([("READY", "1"), ("STATUS", "configuration reloaded · \(lastSummary) · next \(clockText(nextDue()))")])
        } catch {
            logger.error("reload refused, previous configuration kept: \(error)", metadata: ["file": "\(configFile ?? "")"])
            notifier.send([("READY", "1"), ("STATUS", "reload refused (\(error)); previous configuration kept · next \(clockText(nextDue()))")])
        }
        wake()
    }

    /// SIGTERM: say so, and ask for time if a cycle is mid-way.
    public func stopping() {
        if case .running = phase { notifier.extendTimeout(seconds: 30) }
        notifier.stopping(status: "stopping")
        logger.notice("stopping", metadata: stageMetadata())
        wake()
    }

    /// Sleeps for `d` or until `wake()`. Each pause has its own generation, so a timer
    /// left over from an earlier pause can never end a later one early.
    private func pause(_ d: Duration) async {
        if pendingWake { pendingWake = false; return }
        sleepGeneration += 1
        let generation = sleepGeneration
        let timer = Task { [weak self] in
            guard let sleep = self?.seams.sleep, (try? await sleep(d)) != nil else { return }
            await self?.timerFired(generation)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { c in waiter = c }
        } onCancel: {
            Task { await self.wake() }
        }
        timer.cancel()
    }

    private func timerFired(_ generation: Int) {
        if generation == sleepGeneration, waiter != nil { wake() }
    }

    private func wake() {
        if let w = waiter {
            waiter = nil
            w.resume()
        } else {
            pendingWake = true
        }
    }

    private func clockText(_ t: Microseconds) -> String {
        let c = Timestamp.civil(fromSeconds: t / Timestamp.microsPerSecond)
        return "\(c.hour < 10 ? "0" : "")\(c.hour):\(c.minute < 10 ? "0" : "")\(c.minute) UTC"
    }
}

import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore

/// The daemon's morning report: due by `MorningSchedule`, made by `MorningReporter`,
/// written to the reports directory, kept in the store, announced by one journal entry.
/// The supervisor asks it between cycles, so a report never runs beside a cycle; the
/// last date written lives in the store's meta, so a restart never writes it twice.
actor MorningDuty {
    private let store: StateStore
    private let logger: Logger
    private let narrator: Narrator?
    /// After a failed attempt, not again before this instant (the same date).
    private var retryAt: (date: LocalDate, at: Microseconds)?
    static let retryDelay: Microseconds = 10 * 60 * Timestamp.microsPerSecond

    init(store: StateStore, logger: Logger, narrator: Narrator? = nil) {
        self.store = store
        self.logger = logger
        self.narrator = narrator
    }

    static func schedule(_ c: DaemonConfig) -> MorningSchedule { MorningSchedule(time: c.morningReportAt, zone: .current) }

    /// Writes the due report, if one is; true when it tried.
    func runIfDue(now: Microseconds, config c: DaemonConfig) async -> Bool {
        let schedule = Self.schedule(c)
        guard let last = lastWritten(now: now, schedule),
              let date = schedule.due(now: now, lastWritten: last) else { return false }
        if let r = retryAt, r.date == date, now < r.at { return false }
        do {
            try await write(date, now: now, config: c, schedule: schedule)
            retryAt = nil
        } catch {
            retryAt = (date, now + Self.retryDelay)
            logger.error("morning report for \(date) not written: \(error); retrying in 10 minutes",
                         metadata: ["morning_date": "\(date)"])
        }
        return true
    }

    /// When the supervisor should wake for the next report.
    func nextDue(after now: Microseconds, config c: DaemonConfig) -> Microseconds {
        if let r = retryAt, now < r.at { return r.at }
        return Self.schedule(c).nextDue(after: now)
    }

    private func lastWritten(now: Microseconds, _ s: MorningSchedule) -> LocalDate? {
        if let v = try? store.meta(StateStore.lastMorningReportKey), let d = LocalDate(v) { return d }
        let first = s.initialLastWritten(now: now)
        do { try store.setMeta(StateStore.lastMorningReportKey, first.description) } catch { return nil }
        return first
    }

    private func write(_ date: LocalDate, now: Microseconds, config c: DaemonConfig, schedule s: MorningSchedule) async throws {
        let night = Night.ending(on: date, at: s.time, in: s.zone)
        let reporter = MorningReporter(store: store)
        let report = try await reporter.make(night, zone: s.zone, cycleIntervalSeconds: Int64(c.cycleInterval.components.seconds),
                                             generatedAt: now, origin: .daemon,
                                             narrator: c.modelStages ? narrator : nil)  // MODEL_STAGES as reloaded
        let dir = c.reportsDir ?? store.defaultReportsDirectory
        let files = try reporter.write(report, to: dir)
        try reporter.save(report, writtenAt: now)
        try store.setMeta(StateStore.lastMorningReportKey, date.description)
        logger.notice("morning report for \(date): \(report.cycles.completed)/\(report.cycles.scheduled) cycles, \(report.violations.occurred) violations, \(report.proposals.count) proposals pending",
                      metadata: Self.fields(report, files))
    }

    /// The journal entry's fields (journald upper-cases them: MORNING_DATE, …).
    static func fields(_ r: MorningReport, _ f: MorningReporter.Files) -> Logger.Metadata {
        var m: Logger.Metadata = [
            "morning_date": "\(r.night.date)", "night_start": "\(Timestamp.iso8601(r.night.start))",
            "night_end": "\(Timestamp.iso8601(r.night.end))",
            "cycles_completed": "\(r.cycles.completed)", "cycles_scheduled": "\(r.cycles.scheduled)",
            "violations": "\(r.violations.occurred)", "violations_ingested": "\(r.violations.ingested)",
            "patterns": "\(r.patterns.count)", "proposals_pending": "\(r.proposals.count)",
            "forecasts": "\(r.forecasts.count)", "narrative_author": "\(r.narrative.author)",
            "report_file": "\(f.markdown)", "chart_file": "\(f.chart)",
        ]
        if let remote = r.apiCalls.remote { m["api_calls"] = "\(remote)" }
        if let peak = r.peakRssBytes { m["peak_rss_bytes"] = "\(peak)" }
        if !r.degraded.isEmpty { m["degraded"] = "\(r.degraded.map { "\($0.cycle):\($0.stage)" }.joined(separator: ","))" }
        return m
    }
}

import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore

/// The supervisor's morning report: due by `MorningSchedule`, made by
/// `MorningReporter`, written to the reports directory, kept in the store, announced by
/// one journal entry. Asked between cycles, so a report never runs beside a cycle; the
/// last date written lives in the store's meta, so a restart never writes it twice.
extension Supervisor {
    static let morningRetryDelay: Microseconds = 10 * 60 * Timestamp.microsPerSecond

    var morningSchedule: MorningSchedule { MorningSchedule(time: currentConfig.morningReportAt, zone: seams.zone) }

    /// Writes the due report, if one is; true when it tried.
    func morningReportIfDue(now: Microseconds) async -> Bool {
        let schedule = morningSchedule
        let date: LocalDate
        do {
            guard let due = schedule.due(now: now, lastWritten: try lastMorningReport(now: now, schedule)) else { return false }
            date = due
        } catch {
            // A store that cannot say which date was written last is an error, not "no
            // date yet": say so, and try again after the retry delay.
            return morningFailed(schedule.initialLastWritten(now: now), now: now, error)
        }
        if let r = morningRetry, r.date == date, now < r.at { return false }
        do {
            try await writeMorningReport(date, now: now, schedule: schedule)
            morningRetry = nil
            return true
        } catch {
            return morningFailed(date, now: now, error)
        }
    }

    private func morningFailed(_ date: LocalDate, now: Microseconds, _ error: any Error) -> Bool {
        if let r = morningRetry, r.date == date, now < r.at { return false }
        morningRetry = (date, now + Self.morningRetryDelay)
        logger.error("morning report for \(date) not written: \(error); retrying in 10 minutes",
                     metadata: ["morning_date": "\(date)"])
        return true
    }

    /// When the supervisor should wake for the next report.
    func nextMorningReport(after now: Microseconds) -> Microseconds {
        if let r = morningRetry, now < r.at { return r.at }
        return morningSchedule.nextDue(after: now)
    }

    /// The last date written; on a first start, the latest date due (the daemon did not
    /// watch that night, so it starts with the next report time, not a late one now).
    private func lastMorningReport(now: Microseconds, _ s: MorningSchedule) throws -> LocalDate {
        if let v = try store.meta(StateStore.lastMorningReportKey), let d = LocalDate(v) { return d }
        let first = s.initialLastWritten(now: now)
        try store.setMeta(StateStore.lastMorningReportKey, first.description)
        return first
    }

    private func writeMorningReport(_ date: LocalDate, now: Microseconds, schedule s: MorningSchedule) async throws {
        let c = currentConfig
        let night = Night.ending(on: date, at: s.time, in: s.zone)
        let reporter = MorningReporter(store: store)
        let report = try await reporter.make(night, zone: s.zone, cycleIntervalSeconds: Int64(c.cycleInterval.components.seconds),
                                             generatedAt: now, origin: .daemon,
                                             narrator: c.modelStages ? narrator?(c) : nil,  // MODEL_STAGES and hybrid as reloaded
                                             window: c.nightWindow(zone: s.zone))
        let files = try MorningReporter.write(report, to: c.reportsDir ?? store.defaultReportsDirectory)
        try reporter.save(report, writtenAt: now)
        try store.setMeta(StateStore.lastMorningReportKey, date.description)
        logger.notice("morning report for \(date): \(report.cycles.completed)/\(report.cycles.scheduled) cycles, \(report.violations.occurred) violations, \(report.proposals.count) proposals pending",
                      metadata: Self.morningFields(report, files))
    }

    /// The journal entry's fields (journald upper-cases them: MORNING_DATE, …).
    static func morningFields(_ r: MorningReport, _ f: MorningReporter.Files) -> Logger.Metadata {
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
        if let cap = r.apiCalls.capUsd {
            m["api_cost_usd"] = "\(Format.fixed(r.apiCalls.costUsd ?? 0, 6))"
            m["api_cap_usd"] = "\(Format.fixed(cap, 2))"
        }
        if let peak = r.peakRssBytes { m["peak_rss_bytes"] = "\(peak)" }
        if !r.degraded.isEmpty { m["degraded"] = "\(r.degraded.map { "\($0.cycle):\($0.stage)" }.joined(separator: ","))" }
        return m
    }
}

import FeedbackLoop
import Foundation

/// When the morning report is due: at MORNING_REPORT_AT on the local clock, once per
/// date. Pure: the caller gives the instant, the zone and the last date written.
///
/// A report belongs to a date, and a date is written at most once: after a suspend
/// past the report time it is written late, when the machine wakes; after days off,
/// only the latest date's (its night is the one that matters now — the older ones can
/// be computed on request); a clock set back never writes a date again.
public struct MorningSchedule: Sendable, Equatable {
    public var time: ClockTime
    public var zone: TimeZone

    public init(time: ClockTime, zone: TimeZone) {
        self.time = time
        self.zone = zone
    }

    /// The date whose report is due at `now`, or nil: none has come due since
    /// `lastWritten`.
    public func due(now: Microseconds, lastWritten: LocalDate) -> LocalDate? {
        let latest = Night.latestDate(atOrBefore: now, at: time, in: zone)
        return latest > lastWritten ? latest : nil
    }

    /// On a first start there is no last date: the daemon did not watch the night
    /// before, so it starts with the next report time rather than a late report now.
    public func initialLastWritten(now: Microseconds) -> LocalDate {
        Night.latestDate(atOrBefore: now, at: time, in: zone)
    }

    /// The next report time after `now`.
    public func nextDue(after now: Microseconds) -> Microseconds {
        let latest = Night.latestDate(atOrBefore: now, at: time, in: zone)
        return Night.instant(of: latest.adding(days: 1), at: time, in: zone)
    }
}

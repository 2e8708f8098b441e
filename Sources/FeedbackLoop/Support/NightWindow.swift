import Foundation

/// The seed's night run (AUTONOMOUS_NIGHT_RUN=true): scheduled cycles only from
/// NIGHT_STARTS_AT until MORNING_REPORT_AT on the local clock, the morning report
/// closing the night. A cycle at start (RUN_AT_START) or asked for (SIGUSR1,
/// `consciousness trigger`) runs whatever the hour. Pure: the caller gives the instant.
public struct NightWindow: Sendable, Equatable {
    public var start: ClockTime
    public var end: ClockTime
    public var zone: TimeZone

    public init(start: ClockTime, end: ClockTime, zone: TimeZone) {
        self.start = start
        self.end = end
        self.zone = zone
    }

    /// Is `t` inside the window (start inclusive, end exclusive; across midnight when
    /// the start is later than the end)?
    public func contains(_ t: Microseconds) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute], from: Date(timeIntervalSince1970: Double(t) / 1e6))
        let m = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        let s = start.hour * 60 + start.minute, e = end.hour * 60 + end.minute
        return s <= e ? (s <= m && m < e) : (m >= s || m < e)
    }

    /// The first instant at or after `from` when a cycle of `interval` is due in the
    /// window: `from` itself when inside; else the first multiple of the interval after
    /// the window opens, or the opening itself when the window holds no multiple (an
    /// interval longer than the night).
    public func firstDue(interval: Microseconds, from: Microseconds) -> Microseconds {
        if contains(from) { return from }
        let day = Night.localDate(of: from, in: zone)
        var opening = Night.instant(of: day, at: start, in: zone)
        if opening < from { opening = Night.instant(of: day.adding(days: 1), at: start, in: zone) }
        let step = max(1, interval)
        let aligned = (opening + step - 1) / step * step
        return contains(aligned) ? aligned : opening
    }
}

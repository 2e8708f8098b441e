import FeedbackLoop

/// When cycles run: at every multiple of the interval since the epoch (on the hour
/// for the default 1 h), by the wall clock.
///
/// A cycle belongs to a slot, ⌊wall time / interval⌋, and a slot runs at most once.
/// So after a suspend or downtime the missed slots run once, not once each (the
/// current slot is simply newer than the last one run); and a clock set backwards
/// neither repeats a slot nor skips one — the next slot waits for the wall clock to
/// reach it again.
public struct Schedule: Sendable, Equatable {
    public let interval: Microseconds

    /// The longest interval a schedule keeps: a hundred years. Slots and their starts
    /// stay far inside Int64 with it; the configuration allows a week.
    public static let longestInterval: Microseconds = 100 * 365 * 86_400 * 1_000_000

    /// Safe for any duration: clamped to 1 µs … `longestInterval` before converting.
    public init(interval: Duration) {
        let us = interval.microseconds
        self.interval = us >= Double(Self.longestInterval) ? Self.longestInterval : max(1, Int64(max(us, 0)))
    }

    public func slot(at now: Microseconds) -> Int64 { now >= 0 ? now / interval : (now - interval + 1) / interval }

    public func start(of slot: Int64) -> Microseconds { slot * interval }

    /// Is a cycle due, given the slot of the last one run (nil: none yet)?
    public func isDue(now: Microseconds, lastSlot: Int64?) -> Bool {
        guard let lastSlot else { return true }
        return slot(at: now) > lastSlot
    }

    /// When the next cycle is due after one ran in `lastSlot`.
    public func nextDue(after lastSlot: Int64) -> Microseconds { start(of: lastSlot + 1) }
}

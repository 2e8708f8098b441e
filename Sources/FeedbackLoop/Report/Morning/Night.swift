import Foundation

/// The span a morning report covers. The night of date D runs from MORNING_REPORT_AT
/// on D−1 to MORNING_REPORT_AT on D, local time: 24 hours, or 23 or 25 across a
/// daylight-saving change — consecutive nights tile the calendar with no gap and no
/// overlap, so every cycle and every violation belongs to exactly one night.
///
/// Membership is half-open, [start, end): a violation whose timestamp is in it, a
/// cycle that started in it. The cycle that runs at the report time itself belongs to
/// the next night. Violations are counted from the store's hour buckets, so a night
/// is counted in the whole UTC hours that begin inside it (exact for every zone whose
/// offset is whole hours).
public struct Night: Sendable, Equatable {
    public var date: LocalDate
    public var start: Microseconds
    public var end: Microseconds
    /// The time zone's identifier (e.g. "Europe/Paris"), and the local report time.
    public var timeZone: String
    public var reportTime: ClockTime

    public init(date: LocalDate, start: Microseconds, end: Microseconds, timeZone: String, reportTime: ClockTime) {
        self.date = date
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.reportTime = reportTime
    }

    /// The night that ends at `time` on `date` in `zone`.
    public static func ending(on date: LocalDate, at time: ClockTime, in zone: TimeZone) -> Night {
        Night(date: date, start: instant(of: date.adding(days: -1), at: time, in: zone),
              end: instant(of: date, at: time, in: zone), timeZone: zone.identifier, reportTime: time)
    }

    public var hours: Double { Double(end - start) / Double(Timestamp.microsPerHour) }

    /// The store's hour buckets whose start is inside the night.
    public var bucketHours: ClosedRange<Int32> {
        let first = Timestamp.hour(of: start + Timestamp.microsPerHour - 1)
        return first...max(first, Timestamp.hour(of: end - 1))
    }

    /// `time` on `date` in `zone`. A time that the clock skips (a spring-forward gap)
    /// becomes the first instant after the gap, as Foundation's Calendar resolves it.
    public static func instant(of date: LocalDate, at time: ClockTime, in zone: TimeZone) -> Microseconds {
        let parts = DateComponents(year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute)
        // Gregorian dates of years 1…9999 with valid hours always resolve.
        let d = calendar(zone).date(from: parts)!
        return Microseconds((d.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The local date of an instant.
    public static func localDate(of instant: Microseconds, in zone: TimeZone) -> LocalDate {
        let d = Date(timeIntervalSince1970: Double(instant) / 1_000_000)
        let c = calendar(zone).dateComponents([.year, .month, .day], from: d)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)
    }

    /// The latest date whose report time is at or before `now`: the night that is
    /// over and not yet superseded.
    public static func latestDate(atOrBefore now: Microseconds, at time: ClockTime, in zone: TimeZone) -> LocalDate {
        let today = localDate(of: now, in: zone)
        return instant(of: today, at: time, in: zone) <= now ? today : today.adding(days: -1)
    }

    /// "07:00" of an instant in a zone, for chart labels and headings.
    public static func localClock(of instant: Microseconds, in zone: TimeZone) -> String {
        let d = Date(timeIntervalSince1970: Double(instant) / 1_000_000)
        let c = calendar(zone).dateComponents([.hour, .minute], from: d)
        return ClockTime(hour: c.hour!, minute: c.minute!).description
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }
}

extension Night: Codable {
    enum CodingKeys: String, CodingKey { case date, start, end, timeZone, reportTime, hours }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decode(LocalDate.self, forKey: .date)
        func instant(_ k: CodingKeys) throws -> Microseconds {
            let s = try c.decode(String.self, forKey: k)
            guard let t = Timestamp.parse(s) else {
                throw DecodingError.dataCorruptedError(forKey: k, in: c, debugDescription: "not ISO 8601: \(s)")
            }
            return t
        }
        start = try instant(.start)
        end = try instant(.end)
        timeZone = try c.decode(String.self, forKey: .timeZone)
        let t = try c.decode(String.self, forKey: .reportTime)
        guard let time = ClockTime(t) else {
            throw DecodingError.dataCorruptedError(forKey: .reportTime, in: c, debugDescription: "not HH:MM: \(t)")
        }
        reportTime = time
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(date, forKey: .date)
        try c.encode(Timestamp.iso8601(start), forKey: .start)
        try c.encode(Timestamp.iso8601(end), forKey: .end)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(reportTime.description, forKey: .reportTime)
        try c.encode(hours, forKey: .hours)
    }
}

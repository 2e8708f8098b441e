/// Timestamps are microseconds since the Unix epoch, UTC. Integers keep the store exact
/// (no Double rounding of first/last seen) and make hour bucketing a division.
public typealias Microseconds = Int64

public enum Timestamp {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000
    /// 2000-01-01T00:00:00Z: no agent framework logged a violation before it.
    public static let earliestPlausible: Microseconds = 946_684_800_000_000

    /// The timestamps a log line may carry when read at `now`: from 2000 to a day
    /// ahead (clock skew between hosts, a time zone written as UTC).
    public static func plausible(at now: Microseconds) -> ClosedRange<Microseconds> {
        earliestPlausible...max(earliestPlausible, now + microsPerDay)
    }

    /// The hour bucket a timestamp falls in (floor division, so instants before the
    /// epoch would still land in the right hour; the parser refuses them anyway).
    @inlinable
    public static func hour(of micros: Microseconds) -> Int32 {
        let h = micros >= 0 ? micros / microsPerHour : (micros - microsPerHour + 1) / microsPerHour
        return Int32(truncatingIfNeeded: h)
    }

    /// Parses ISO 8601 as the violation logs write it — `YYYY-MM-DDTHH:MM:SS`, an
    /// optional fraction of any length, then `Z`, `±HH:MM`, `±HHMM` or nothing (naive
    /// means UTC, as the original Python tool assumed). Works on raw bytes so the log
    /// scanner never builds a String for it. Returns nil for anything else, including
    /// impossible dates (2025-02-30) and years outside 1970...9999.
    public static func parse(_ p: UnsafeRawBufferPointer) -> Microseconds? {
        guard p.count >= 19, let hour = hourOf(p) else { return nil }
        return within(hour, p)
    }

    @inline(__always)
    private static func digit(_ p: UnsafeRawBufferPointer, _ i: Int) -> Int64? {
        let d = Int64(p[i]) &- 48
        return (d >= 0 && d <= 9) ? d : nil
    }

    @inline(__always)
    private static func two(_ p: UnsafeRawBufferPointer, _ i: Int) -> Int64? {
        guard let a = digit(p, i), let b = digit(p, i + 1) else { return nil }
        return a * 10 + b
    }

    /// `YYYY-MM-DDTHH` (the first 13 of at least 19 bytes), checked: the hour's start
    /// in seconds since the epoch, before any offset.
    static func hourOf(_ p: UnsafeRawBufferPointer) -> Int64? {
        guard let y1 = two(p, 0), let y2 = two(p, 2), p[4] == 0x2D, let month = two(p, 5), p[7] == 0x2D,
              let day = two(p, 8), p[10] == 0x54 || p[10] == 0x20 || p[10] == 0x74, let hour = two(p, 11)
        else { return nil }
        let year = y1 * 100 + y2
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600
    }

    /// The rest from byte 13: `:MM:SS`, a fraction, a zone.
    static func within(_ hourStart: Int64, _ p: UnsafeRawBufferPointer) -> Microseconds? {
        let n = p.count
        guard p[13] == 0x3A, let minute = two(p, 14), p[16] == 0x3A, let second = two(p, 17),
              minute <= 59, second <= 59
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if i < n, p[i] == 0x2E || p[i] == 0x2C {
            i += 1
            var digits = 0
            while i < n, let d = digit(p, i) {
                if digits < 6 { fraction = fraction * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { fraction *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if i < n {
            switch p[i] {
            case 0x5A, 0x7A:  // Z, z
                i += 1
            case 0x2B, 0x2D:  // + or -
                let sign: Int64 = p[i] == 0x2D ? -1 : 1
                i += 1
                guard i + 2 <= n, let oh = two(p, i) else { return nil }
                i += 2
                var om: Int64 = 0
                if i < n, p[i] == 0x3A { i += 1 }
                if i + 2 <= n, let m = two(p, i) { om = m; i += 2 }
                guard oh <= 23, om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        guard i == n else { return nil }
        return (hourStart + minute * 60 + second - offsetSeconds) * microsPerSecond + fraction
    }

    /// `parse` for a stream of timestamps in order: a line in the same hour as the one
    /// before it — nearly every line of a log — skips the calendar arithmetic, its date
    /// and hour told equal by two word comparisons.
    struct Reader {
        private var head: (UInt64, UInt64) = (0, 0)
        private var hourStart: Int64?

        mutating func parse(_ p: UnsafeRawBufferPointer) -> Microseconds? {
            guard p.count >= 19, let base = p.baseAddress else { return nil }
            let h = (base.loadUnaligned(as: UInt64.self), base.loadUnaligned(fromByteOffset: 5, as: UInt64.self))
            if h != head || hourStart == nil {
                hourStart = Timestamp.hourOf(p)
                head = h
            }
            guard let hourStart else { return nil }
            return Timestamp.within(hourStart, p)
        }
    }

    public static func parse(_ s: String) -> Microseconds? {
        var s = s
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// `2025-10-01T21:38:50.570336+00:00`, the form Python's `isoformat()` writes, so
    /// reports read like the original tool's.
    public static func iso8601(_ micros: Microseconds) -> String {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: microsPerSecond)
        let (s, f) = fraction < 0 ? (seconds - 1, fraction + microsPerSecond) : (seconds, fraction)
        let c = civil(fromSeconds: s)
        var out = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T"
        out += "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if f != 0 { out += ".\(pad(f, 6))" }
        return out + "+00:00"
    }

    /// Calendar fields of an instant, UTC.
    public struct Civil: Equatable, Sendable {
        public var year, month, day, hour, minute, second: Int64
    }

    public static func civil(fromSeconds s: Int64) -> Civil {
        let days = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        let rem = s - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return Civil(year: y, month: m, day: d, hour: rem / 3600, minute: rem % 3600 / 60, second: rem % 60)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian
    // arithmetic without Foundation's Calendar, which is far too slow per log line.
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

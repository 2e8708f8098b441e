import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ollama's timestamps (`expires_at`: Go's time.Time in JSON, RFC 3339 with optional
/// fractional seconds and a zone: `2026-12-02T07:31:12.83753-07:00`), parsed by hand:
/// Foundation's date formatters would load ICU's data into the daemon for one field.
enum RFC3339 {
    /// Seconds since the epoch, or nil for anything else. Go's zero time and the far
    /// future Ollama shows for "forever" parse like any other date.
    static func seconds(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A,
              let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2), let second = number(b, 17, 2)
        else { return nil }
        var i = 19, fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            var scale = 0.1
            i += 1
            while i < b.count, (0x30...0x39).contains(b[i]) {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        guard i < b.count, let offset = zoneOffset(b, i) else { return nil }
        var t = tm()
        (t.tm_year, t.tm_mon, t.tm_mday) = (Int32(year - 1900), Int32(month - 1), Int32(day))
        (t.tm_hour, t.tm_min, t.tm_sec) = (Int32(hour), Int32(minute), Int32(second))
        return Double(timegm(&t)) + fraction - Double(offset)
    }

    /// `Z`, or `±HH:MM` in seconds east of UTC.
    private static func zoneOffset(_ b: [UInt8], _ i: Int) -> Int? {
        if b[i] == 0x5A || b[i] == 0x7A { return i + 1 == b.count ? 0 : nil }
        guard b.count == i + 6, b[i] == 0x2B || b[i] == 0x2D, b[i + 3] == 0x3A,
              let h = number(b, i + 1, 2), let m = number(b, i + 4, 2) else { return nil }
        return (b[i] == 0x2D ? -1 : 1) * (h * 3600 + m * 60)
    }

    private static func number(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        var n = 0
        for k in at..<(at + count) {
            guard (0x30...0x39).contains(b[k]) else { return nil }
            n = n * 10 + Int(b[k] - 0x30)
        }
        return n
    }
}

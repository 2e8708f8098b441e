import FeedbackLoop

/// Spans of time as systemctl prints them: "12min ago", "in 48min", "overdue by 5min".
public enum Elapsed {
    /// "3s", "12min", "2h 5min", "3 days 4h".
    public static func span(_ micros: Int64) -> String {
        let s = max(0, micros / 1_000_000)
        if s < 60 { return "\(s)s" }
        let m = s / 60
        if m < 60 { return "\(m)min" }
        let h = m / 60
        if h < 48 { return m % 60 == 0 ? "\(h)h" : "\(h)h \(m % 60)min" }
        return "\(h / 24) days" + (h % 24 == 0 ? "" : " \(h % 24)h")
    }

    public static func ago(_ t: Microseconds, now: Microseconds) -> String { "\(span(now - t)) ago" }

    /// "in 48min", or "overdue by 5min" once past.
    public static func until(_ t: Microseconds, now: Microseconds) -> String {
        t >= now ? "in \(span(t - now))" : "overdue by \(span(now - t))"
    }

    /// "2026-12-02 14:02:11 UTC".
    public static func wall(_ t: Microseconds) -> String {
        let iso = Timestamp.iso8601(t)   // 2026-12-02T14:02:11Z or with fraction
        let date = iso.prefix(10)
        let time = iso.dropFirst(11).prefix(8)
        return "\(date) \(time) UTC"
    }
}

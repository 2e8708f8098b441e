import Foundation

/// Timestamps as Ollama (Go's RFC3339Nano) writes them: "2025-01-15T09:30:00.123456789Z".
/// Fractional seconds are deliberate: a client decoding them with plain `.iso8601` would
/// break against real Ollama, and the simulator should surface that.
enum Timestamp {
    static func rfc3339(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let base = Date(timeIntervalSince1970: whole).formatted(.iso8601)
        var nanos = Int(((interval - whole) * 1e9).rounded())
        guard nanos > 0, nanos < 1_000_000_000, base.hasSuffix("Z") else { return base }
        var digits = 9
        while nanos % 10 == 0 {
            nanos /= 10
            digits -= 1
        }
        let fraction = String(nanos)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(base.dropLast()).\(padded)Z"
    }

    static func now() -> String {
        rfc3339(Date())
    }
}

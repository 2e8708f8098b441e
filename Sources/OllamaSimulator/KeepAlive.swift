import Foundation

/// Ollama's `keep_alive`: a number of seconds, or a Go duration string ("5m", "1h30m", "0s").
/// Zero unloads right after the request; a negative value keeps the model loaded forever.
struct KeepAlive: Sendable, Equatable, Decodable {
    let seconds: Double

    /// Ollama's default when a request does not say.
    static let standard = KeepAlive(seconds: 300)

    init(seconds: Double) {
        self.seconds = seconds
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self.seconds = number
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid keep_alive duration '\(text)'")
        }
        self.seconds = parsed
    }

    var unloadsImmediately: Bool { seconds == 0 }

    func expiry(from now: Date) -> Date? {
        seconds < 0 ? nil : now.addingTimeInterval(seconds)
    }

    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]

    /// Go's time.ParseDuration grammar, plus bare numbers meaning seconds (Ollama accepts "0").
    static func parse(_ raw: String) -> Double? {
        var rest = Substring(raw.trimmingCharacters(in: .whitespaces))
        var sign = 1.0
        if rest.first == "-" || rest.first == "+" {
            sign = rest.first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        if let plain = Double(rest) { return plain.isFinite ? sign * plain : nil }
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let scale = unitSeconds[String(unit)] else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        return sign * total
    }
}

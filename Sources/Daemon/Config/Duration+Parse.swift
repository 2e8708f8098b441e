import Trinity

extension Duration {
    /// The longest span `parse(span:)` returns: a hundred years. Anything longer is a
    /// typo (or hostile), and refusing it keeps every conversion below far from overflow.
    public static let longestSpan = Duration.seconds(100 * 365 * 86_400)

    /// `90`, `90s`, `30m`, `1h`, `1h30m`, `2d` — systemd's time-span style, seconds by default.
    /// Never traps, whatever the text: nil for anything else (a sign, an exponent, inf,
    /// nan, non-ASCII digits) and for a total over `longestSpan`.
    public static func parse(span text: String) -> Duration? {
        let t = text.trimmingCharacters(in: " ")
        guard !t.isEmpty, t.utf8.count <= 64 else { return nil }
        let limit = longestSpan.seconds
        var total = 0.0, number = "", unitless = true
        func add(_ unit: Double) -> Bool {
            guard !number.isEmpty, let n = Double(number), n.isFinite, n >= 0 else { return false }
            let part = n * unit
            guard part.isFinite, part <= limit else { return false }
            total += part
            number = ""
            return total <= limit
        }
        for c in t {
            if c.isASCII, c.isNumber || c == "." { number.append(c); continue }
            unitless = false
            let unit: Double
            switch c {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: return nil
            }
            guard add(unit) else { return nil }
        }
        if unitless { guard add(1) else { return nil } }
        guard number.isEmpty else { return nil }
        // total is finite and within 0…longestSpan: the conversion cannot overflow.
        return .milliseconds(Int64((total * 1000).rounded()))
    }

    /// A span as the configuration writes it: `7d`, `1d`, `90s`, `1h30m`.
    public var spanText: String {
        var s = components.seconds
        guard s > 0 else { return "\(seconds)s" }
        var out = ""
        for (unit, name) in [(Int64(86_400), "d"), (3600, "h"), (60, "m"), (1, "s")] where s >= unit {
            out += "\(s / unit)\(name)"
            s %= unit
        }
        return out
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

import Trinity

extension Duration {
    /// `90`, `90s`, `30m`, `1h`, `1h30m`, `2d` — systemd's time-span style, seconds by default.
    public static func parse(span text: String) -> Duration? {
        let t = text.trimmingCharacters(in: " ")
        if let n = Double(t), n >= 0 { return .milliseconds(Int64(n * 1000)) }
        var total = 0.0, number = "", found = false
        for c in t {
            if c.isNumber || c == "." { number.append(c); continue }
            guard let n = Double(number) else { return nil }
            switch c {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86_400
            default: return nil
            }
            number = ""
            found = true
        }
        guard number.isEmpty, found else { return nil }
        return .milliseconds(Int64(total * 1000))
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

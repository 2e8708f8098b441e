/// Go's `time.ParseDuration`, which Ollama applies to a `keep_alive` string
/// (api/types.go `Duration.UnmarshalJSON`), with Go's grammar and Go's error texts:
/// `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or the lone special case "0" (signed or not).
/// A bare number such as "300" is refused: `time: missing unit in duration "300"`.
enum GoDuration {
    struct ParseError: Error, Equatable {
        var message: String
    }

    /// Go's unitMap, in seconds; both micro signs count (U+00B5 and U+03BC).
    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "\u{00B5}s": 1e-6, "\u{03BC}s": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]

    /// time.Duration is an int64 of nanoseconds.
    private static let maxSeconds = 9_223_372_036.854775807

    /// - Returns: seconds, negative for a negative duration.
    static func parse(_ original: String) throws(ParseError) -> Double {
        var rest = Substring(original)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { throw invalid(original) }
        var total = 0.0
        while !rest.isEmpty {
            guard let first = rest.first, first == "." || isDigit(first) else { throw invalid(original) }
            let whole = rest.prefix(while: isDigit)
            rest = rest.dropFirst(whole.count)
            var fraction = Substring()
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix(while: isDigit)
                rest = rest.dropFirst(fraction.count)
            }
            // No digits at all, e.g. ".s" or "-.s".
            guard !whole.isEmpty || !fraction.isEmpty else { throw invalid(original) }
            let unit = rest.prefix { $0 != "." && !isDigit($0) }
            guard !unit.isEmpty else { throw ParseError(message: "time: missing unit in duration \(quote(original))") }
            rest = rest.dropFirst(unit.count)
            guard let scale = unitSeconds[String(unit)] else {
                throw ParseError(message: "time: unknown unit \(quote(String(unit))) in duration \(quote(original))")
            }
            let value = Double("\(whole.isEmpty ? "0" : whole).\(fraction.isEmpty ? "0" : fraction)") ?? .infinity
            total += value * scale
            guard total <= maxSeconds else { throw invalid(original) }
        }
        let seconds = wholeNanoseconds(total)
        return negative ? -seconds : seconds
    }

    /// Go durations are whole nanoseconds: a value below 1 ns is 0 (and so unloads).
    static func wholeNanoseconds(_ seconds: Double) -> Double {
        guard seconds.isFinite else { return maxSeconds }
        return min((seconds * 1e9).rounded(.towardZero), maxSeconds * 1e9) / 1e9
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    private static func invalid(_ original: String) -> ParseError {
        ParseError(message: "time: invalid duration \(quote(original))")
    }

    /// Go's `time.quote`: double quotes, with quotes and backslashes escaped.
    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension KeepAlive {
    /// A keep_alive string in seconds (negative: forever), or nil where Ollama answers 400.
    static func parse(_ raw: String) -> Double? {
        try? GoDuration.parse(raw)
    }
}

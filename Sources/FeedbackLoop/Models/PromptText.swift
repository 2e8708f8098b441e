/// Violation text on its way into a prompt. It comes from log data, so it is data and
/// never instructions: bounded in length, stripped of control characters, and
/// fenced in a tag it cannot close. The model is told the same in the system prompt;
/// whatever it answers is validated anyway.
public enum PromptText {
    public static let fence = "violation-text"

    /// `text` cut to `limit` characters, control characters (newlines included) as
    /// spaces, and any attempt to close or open the fence defused.
    public static func quote(_ text: String, limit: Int = 400) -> String {
        // Most log text is short printable ASCII, which this leaves as it is; Unicode
        // categories are looked up only for the rest (an hourly cycle quotes thousands).
        if isPlain(text, limit: limit) { return text }
        var out = ""
        out.reserveCapacity(min(text.utf8.count, limit + 8))
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            switch scalar {
            case "<": out.unicodeScalars.append("‹")
            case ">": out.unicodeScalars.append("›")
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                    out.unicodeScalars.append(" ")
                default:
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }

    /// Printable ASCII, within `limit`, with neither fence bracket nor `also`: what
    /// `quote` would return unchanged.
    static func isPlain(_ text: String, limit: Int, also: UInt8? = nil) -> Bool {
        text.utf8.count <= limit && text.utf8.allSatisfy {
            $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != also
        }
    }

    /// Log-derived text inside a Markdown line (a function name in a proposal): one
    /// line, bounded, and no backtick to break out of a code span.
    public static func inline(_ text: String, limit: Int = 120) -> String {
        if isPlain(text, limit: limit, also: UInt8(ascii: "`")) { return text }
        // Scalar by scalar, as Foundation's `replacingOccurrences` would, without its
        // NSString: the first use of which in a process was ~0.3 ms of a one-shot `cycle`.
        let ticked = quote(text, limit: limit).unicodeScalars.map { $0 == "`" ? "'" : $0 }
        return String(String.UnicodeScalarView(ticked))
    }

    /// `text` quoted inside the fence, with an id.
    public static func fenced(_ text: String, id: String, limit: Int = 400) -> String {
        "<\(fence) id=\"\(id)\">\(quote(text, limit: limit))</\(fence)>"
    }

    /// Model output made safe to show: trimmed, non-empty, at most `limit` characters,
    /// and no control character but those `allowing` names; nil otherwise.
    public static func answer(_ text: String, limit: Int, allowing: Set<Unicode.Scalar> = []) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= limit, !hasControl(trimmed, allowing: allowing) else { return nil }
        return trimmed
    }

    /// One line of model output (a classification's summary).
    public static func line(_ text: String, limit: Int) -> String? { answer(text, limit: limit) }

    public static func hasControl(_ text: String, allowing: Set<Unicode.Scalar> = []) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control && !allowing.contains($0) }
    }
}

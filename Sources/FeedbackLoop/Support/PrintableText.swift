/// Text from the log or the store, made safe to print: agent names and rationales
/// come from log data, and a control character (an ANSI escape, a carriage return, a
/// bidi override) printed raw could rewrite what the person sees on the terminal.
public enum PrintableText {
    /// Control and bidi-formatting characters as `\u{…}`; everything else as is.
    public static func safe(_ s: String, keepNewlines: Bool = false) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if keepNewlines, u == "\n" { out.unicodeScalars.append(u); continue }
            if isControl(u) { out += escaped(u) } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Quoted, with everything but printable ASCII escaped: in a refusal the person must
    /// see that a Cyrillic `а` is not an `a`.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            if (0x20...0x7E).contains(u.value), u != "\"", u != "\\" { out.unicodeScalars.append(u) } else { out += escaped(u) }
        }
        return out + "\""
    }

    private static func escaped(_ u: Unicode.Scalar) -> String { "\\u{\(String(u.value, radix: 16))}" }

    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

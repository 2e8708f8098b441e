/// Text from data made safe inside an XML document (attribute or element content).
public enum XMLText {
    /// Escapes the five markup characters and replaces what XML 1.0 forbids outright
    /// (control characters other than tab, newline and carriage return; U+FFFE/U+FFFF)
    /// with U+FFFD, so a hostile function name cannot break or inject into the SVG.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                let v = u.value
                let forbidden = v < 0x20 || v == 0xFFFE || v == 0xFFFF
                out.unicodeScalars.append(forbidden ? "\u{FFFD}" : u)
            }
        }
        return out
    }
}

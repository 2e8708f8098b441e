/// A configuration value the daemon refuses: which key, the value, and what is allowed.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var key: String
    public var value: String
    public var allowed: String

    /// The value as shown in a message: control characters escaped (no NUL or escape
    /// sequence reaches the terminal or the journal), and a long one cut short.
    public var shownValue: String {
        var out = ""
        var count = 0
        for u in value.unicodeScalars {
            if count == 120 { return out + "… (\(value.utf8.count) bytes)" }
            out += u.value < 0x20 || u.value == 0x7F ? u.escaped(asASCII: true) : String(u)
            count += 1
        }
        return out
    }

    public var description: String { "\(key)=\(shownValue) is not valid: \(allowed)" }
}

import FeedbackLoop
import Logging

/// Typed reads of configuration values, each refusing with the key, the value and
/// what is allowed. Remembers which keys it was asked for (the known keys).
struct Reader {
    let values: [String: String]
    var known: Set<String> = []

    init(values: [String: String]) { self.values = values }

    private mutating func raw(_ key: String) -> String? {
        known.insert(key)
        guard let v = values[key] else { return nil }
        return v
    }

    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = raw(key) else { return nil }
        switch v.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(key: key, value: v, allowed: "true or false")
        }
    }

    mutating func int(_ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = raw(key) else { return nil }
        guard let n = Int(v), range.contains(n) else {
            throw ConfigError(key: key, value: v, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    mutating func number(_ key: String, _ range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let v = raw(key) else { return nil }
        guard let n = Double(v), n.isFinite, range.contains(n) else {
            throw ConfigError(key: key, value: v, allowed: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    mutating func oneOf(_ key: String, _ allowed: [String]) throws(ConfigError) -> String? {
        guard let v = raw(key) else { return nil }
        guard allowed.contains(v) else { throw ConfigError(key: key, value: v, allowed: "one of \(allowed.joined(separator: ", "))") }
        return v
    }

    mutating func choice<T: RawRepresentable>(_ key: String, _: T.Type) throws(ConfigError) -> T?
    where T.RawValue == String {
        guard let v = raw(key) else { return nil }
        guard let c = T(rawValue: v) else { throw ConfigError(key: key, value: v, allowed: "local_only or hybrid") }
        return c
    }

    mutating func url(_ key: String) throws(ConfigError) -> String? {
        guard let v = raw(key) else { return nil }
        let lower = v.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), v.count > 8, !v.contains(" ") else {
            throw ConfigError(key: key, value: v, allowed: "an http:// or https:// URL, e.g. http://127.0.0.1:11434")
        }
        return v
    }

    /// Ollama model names: `name[:tag]`, letters, digits and `._-/:`.
    mutating func model(_ key: String) throws(ConfigError) -> String? {
        guard let v = raw(key) else { return nil }
        guard !v.isEmpty, v.count <= 200,
              v.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-/:".unicodeScalars.contains($0)) })
        else { throw ConfigError(key: key, value: v, allowed: "an Ollama model name such as qwen2.5-coder:7b-instruct-q4_K_M") }
        return v
    }

    mutating func path(_ key: String) throws(ConfigError) -> String? {
        guard let v = raw(key) else { return nil }
        guard v.hasPrefix("/"), !v.contains("\0") else { throw ConfigError(key: key, value: v, allowed: "an absolute path") }
        return v
    }

    mutating func duration(_ key: String, min: Duration) throws(ConfigError) -> Duration? {
        guard let v = raw(key) else { return nil }
        guard let d = Duration.parse(span: v), d >= min else {
            throw ConfigError(key: key, value: v, allowed: "a time span of at least \(Int(min.seconds))s, such as 1h, 30m or 90s")
        }
        return d
    }

    mutating func clockTime(_ key: String) throws(ConfigError) -> ClockTime? {
        guard let v = raw(key) else { return nil }
        guard let t = ClockTime(v) else {
            throw ConfigError(key: key, value: v, allowed: "a time of day HH:MM, such as 07:00")
        }
        return t
    }

    /// node_exporter's textfile collector reads only `*.prom` files.
    mutating func promFile(_ key: String) throws(ConfigError) -> String? {
        guard let v = raw(key) else { return nil }
        guard v.hasPrefix("/"), !v.contains("\0"), v.hasSuffix(".prom"), !v.hasSuffix("/.prom") else {
            throw ConfigError(key: key, value: v, allowed: "an absolute path ending in .prom (node_exporter's textfile collector reads only those)")
        }
        return v
    }
}

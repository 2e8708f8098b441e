import FeedbackLoop
import Logging
import Trinity

/// Typed reads of configuration values, each refusing with the key, the value and
/// what is allowed. Remembers which keys it was asked for (the known keys), in order.
///
/// No value can trap: every number is range-checked before any conversion, and a value
/// longer than `maxValueBytes` or holding a control character (NUL included) is
/// refused before its type is even looked at.
struct Reader {
    let values: [String: String]
    var known: Set<String> = []
    var order: [String] = []

    /// PATH_MAX: the longest value any key takes (a path).
    static let maxValueBytes = 4096

    init(values: [String: String]) { self.values = values }

    mutating func raw(_ key: String) throws(ConfigError) -> String? {
        if known.insert(key).inserted { order.append(key) }
        guard let v = values[key] else { return nil }
        guard v.utf8.count <= Self.maxValueBytes else {
            throw ConfigError(key: key, value: v, allowed: "at most \(Self.maxValueBytes) bytes (this value has \(v.utf8.count))")
        }
        guard !v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ConfigError(key: key, value: v, allowed: "printable text (no NUL or other control character)")
        }
        return v
    }

    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = try raw(key) else { return nil }
        switch v.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(key: key, value: v, allowed: "true or false")
        }
    }

    mutating func int(_ key: String, _ range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = try raw(key) else { return nil }
        guard let n = Int(v), range.contains(n) else {
            throw ConfigError(key: key, value: v, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    mutating func number(_ key: String, _ range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let v = try raw(key) else { return nil }
        guard let n = Double(v), n.isFinite, range.contains(n) else {
            throw ConfigError(key: key, value: v, allowed: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    mutating func oneOf(_ key: String, _ allowed: [String]) throws(ConfigError) -> String? {
        guard let v = try raw(key) else { return nil }
        guard allowed.contains(v) else { throw ConfigError(key: key, value: v, allowed: "one of \(allowed.joined(separator: ", "))") }
        return v
    }

    mutating func choice<T: RawRepresentable>(_ key: String, _: T.Type) throws(ConfigError) -> T?
    where T.RawValue == String {
        guard let v = try raw(key) else { return nil }
        guard let c = T(rawValue: v) else { throw ConfigError(key: key, value: v, allowed: "local_only or hybrid") }
        return c
    }

    /// OLLAMA_HOST in Ollama's own syntax (`127.0.0.1:11434`, `localhost`, `:11434`,
    /// `0.0.0.0:11434`, `http://[::1]:11434`), kept as the base URL it means.
    mutating func ollamaHost(_ key: String) throws(ConfigError) -> String? {
        guard let v = try raw(key) else { return nil }
        guard v.utf8.count <= 2048, let base = OllamaHost.baseURL(v) else {
            throw ConfigError(key: key, value: v,
                              allowed: "a host and port as Ollama reads OLLAMA_HOST: 127.0.0.1:11434, localhost, :11434 or http://127.0.0.1:11434 (port 1–65535, no path)")
        }
        return base
    }

    /// A comma-separated list of roles (architect, builder, controller, embedder), or
    /// `none`.
    mutating func roles(_ key: String) throws(ConfigError) -> [Role]? {
        guard let v = try raw(key) else { return nil }
        if v.trimmingCharacters(in: .whitespaces).lowercased() == "none" { return [] }
        var out: [Role] = []
        for part in v.split(separator: ",") {
            guard let role = Role(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ConfigError(key: key, value: v, allowed: "none, or roles from architect, builder, controller, embedder separated by commas")
            }
            if !out.contains(role) { out.append(role) }
        }
        return out
    }

    /// Ollama model names: `name[:tag]`, letters, digits and `._-/:`.
    mutating func model(_ key: String) throws(ConfigError) -> String? {
        guard let v = try raw(key) else { return nil }
        guard !v.isEmpty, v.count <= 200,
              v.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-/:".unicodeScalars.contains($0)) })
        else { throw ConfigError(key: key, value: v, allowed: "an Ollama model name such as qwen2.5-coder:7b-instruct-q4_K_M") }
        return v
    }

    mutating func path(_ key: String) throws(ConfigError) -> String? {
        guard let v = try raw(key) else { return nil }
        // raw() already refused NUL, control characters and more than PATH_MAX bytes.
        guard v.hasPrefix("/") else {
            throw ConfigError(key: key, value: v, allowed: "an absolute path of at most \(Self.maxValueBytes) bytes")
        }
        return v
    }

    mutating func duration(_ key: String, _ range: ClosedRange<Duration>) throws(ConfigError) -> Duration? {
        guard let v = try raw(key) else { return nil }
        guard let d = Duration.parse(span: v), range.contains(d) else {
            throw ConfigError(key: key, value: v,
                              allowed: "a time span from \(range.lowerBound.spanText) to \(range.upperBound.spanText), such as 1h, 30m or 90s")
        }
        return d
    }

    mutating func clockTime(_ key: String) throws(ConfigError) -> ClockTime? {
        guard let v = try raw(key) else { return nil }
        guard let t = ClockTime(v) else {
            throw ConfigError(key: key, value: v, allowed: "a time of day HH:MM, such as 07:00")
        }
        return t
    }

    /// node_exporter's textfile collector reads only `*.prom` files.
    mutating func promFile(_ key: String) throws(ConfigError) -> String? {
        guard let v = try raw(key) else { return nil }
        guard v.hasPrefix("/"), v.hasSuffix(".prom"), !v.hasSuffix("/.prom") else {
            throw ConfigError(key: key, value: v, allowed: "an absolute path ending in .prom (node_exporter's textfile collector reads only those)")
        }
        return v
    }
}

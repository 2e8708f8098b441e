/// A configuration value the daemon refuses: which key, the value, and what is allowed.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var key: String
    public var value: String
    public var allowed: String

    public var description: String { "\(key)=\(value) is not valid: \(allowed)" }
}

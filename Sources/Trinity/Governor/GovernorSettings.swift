/// The governor's limits.
public struct GovernorSettings: Sendable, Equatable {
    public var budget = Budget()
    public var cacheType = KVCache.CacheType.f16
    /// Stop granting loads while PSI "full avg10" is above this (percent of time stalled).
    public var maxPressureFullAvg10 = 10.0
    /// …or while MemAvailable is below this many bytes beyond the OS reserve.
    public var minAvailableBeyondReserve: Int64 = 0

    public init() {}
}

/// Why the governor said no. Callers fall back and say so in the report.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unknownRole = "unknown_role"
        case modelMissing = "model_missing"
        case pressure
        case reserve
        case wouldNotFit = "would_not_fit"
        case ollama
    }

    public var kind: Kind
    public var role: Role
    public var reason: String
    public var description: String { "\(role) refused (\(kind.rawValue)): \(reason)" }
}

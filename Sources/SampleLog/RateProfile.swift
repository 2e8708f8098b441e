/// The shape of a synthetic pattern's rate over the generated span, t ∈ [0, 1]
/// (relative to the function's mean rate). Known shapes are what lets tests check the
/// trend test and the forecasts against the truth.
public enum RateProfile: String, Sendable, CaseIterable, Codable {
    case steady, rising, falling, burst, rare

    /// Rate multiplier at position t of a span of `hours` hours. A burst is an 8×
    /// spike for 6 hours on top of a steady base: in the span's last 6 hours, and every
    /// 9 days before that, so a replay meets bursts in its history too.
    public func multiplier(hour: Int, of hours: Int) -> Double {
        let t = hours > 1 ? Double(hour) / Double(hours - 1) : 0
        switch self {
        case .steady: return 1
        case .rising: return 0.4 + 1.2 * t
        case .falling: return 1.6 - 1.2 * t
        case .burst: return (hours - 1 - hour) % (9 * 24) < 6 ? 8 : 1
        case .rare: return 1
        }
    }

    /// Rates of `rare` patterns are scaled down to a few events a week.
    var scale: Double { self == .rare ? 0.01 : 1 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shape of a synthetic pattern's rate over the generated span (relative to the
/// function's mean rate). Known shapes are what lets tests and `backtest --profiles`
/// check the trend labels and the forecasts against the truth.
public enum RateProfile: String, Sendable, CaseIterable, Codable {
    case steady, rising, falling, burst, rare
    /// Weekdays at full rate, weekends at a fifth.
    case weekly
    /// The six hours after midnight (UTC) at 4×, the rest at 0.6× (agents running at night).
    case nightly
    /// Steady, but each day's rate is drawn from a gamma distribution (shape 4: ±50%
    /// day to day), so the counts are overdispersed.
    case overdispersed
    /// The rate doubles, or halves, from the middle of the span on.
    case doubling, halving
    /// A fix lands at 70% of the span: the rate drops to 15% of what it was (−85%).
    case fixed
    /// Steady, with an 8× spike in the 6 hours before every third week boundary of the
    /// span: a weekly replay meets a burst at every third origin, just before it.
    case spike

    /// Rate multiplier at `hour` (0-based) of a span of `hours` hours whose first hour
    /// is the absolute hour `startHour` (hours since the epoch: weekdays and nights are
    /// real ones). A burst is an 8× spike for 6 hours on top of a steady base: in the
    /// span's last 6 hours, and every 9 days before that, so a replay meets bursts in
    /// its history too.
    public func multiplier(hour: Int, of hours: Int, startHour: Int32 = 0) -> Double {
        let t = hours > 1 ? Double(hour) / Double(hours - 1) : 0
        let absolute = Int(startHour) + hour
        switch self {
        case .steady, .rare, .overdispersed: return 1
        case .rising: return 0.4 + 1.2 * t
        case .falling: return 1.6 - 1.2 * t
        case .burst: return (hours - 1 - hour) % (9 * 24) < 6 ? 8 : 1
        case .weekly:
            // 1970-01-01 was a Thursday: day 0 → weekday 3 with Monday 0.
            let weekday = ((absolute / 24) + 3) % 7
            return weekday >= 5 ? 0.2 : 1
        case .nightly: return ((absolute % 24) + 24) % 24 < 6 ? 4 : 0.6
        case .doubling: return t < 0.5 ? 1 : 2
        case .halving: return t < 0.5 ? 2 : 1
        case .fixed: return t < RateProfile.fixAt ? 1 : 1 - RateProfile.fixEffect
        case .spike: return hour >= 6 && (hour + 6) % (21 * 24) < 6 ? 8 : 1
        }
    }

    /// Where in the span the `fixed` profile's fix lands, and by how much it cuts the rate.
    public static let fixAt = 0.7
    public static let fixEffect = 0.85

    /// Rates of `rare` patterns are scaled down to a few events a week.
    var scale: Double { self == .rare ? 0.01 : 1 }

    /// The gamma shape of the day-to-day noise, nil for none.
    var dailyGammaShape: Double? { self == .overdispersed ? 4 : nil }
}

public enum Gamma {
    /// A Gamma(shape, 1/shape) draw — mean 1, variance 1/shape — by Marsaglia and
    /// Tsang's method (shape ≥ 1), with Box–Muller normals.
    public static func unitMean(shape: Double, _ rng: inout SplitMix64) -> Double {
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = (-2 * log(max(rng.unit(), 1e-300))).squareRoot() * cos(2 * Double.pi * rng.unit())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.unit()
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) {
                return d * v / shape
            }
        }
    }
}

/// Another process's memory on the simulated machine, rising and falling over time, so a
/// governor meets the pressure it must yield to on a real host. Not an Ollama behaviour:
/// Ollama only sees it as less MemAvailable (discover reads /proc/meminfo).
struct MemoryHog: Sendable {
    var maxBytes: Int64
    var period: Duration
    /// A fixed value set over `POST /sim/hog`; replaces the wave while set.
    var pinnedBytes: Int64?
    let origin: ContinuousClock.Instant

    init(maxBytes: Int64, period: Duration, origin: ContinuousClock.Instant = .now) {
        self.maxBytes = maxBytes
        self.period = period
        self.origin = origin
    }

    /// A triangle wave: 0 at the start of each period, `maxBytes` halfway, 0 again at the end.
    func bytes(at now: ContinuousClock.Instant = .now) -> Int64 {
        if let pinnedBytes { return max(0, pinnedBytes) }
        guard maxBytes > 0 else { return 0 }
        let periodSeconds = period.seconds
        guard periodSeconds > 0 else { return maxBytes }
        let phase = (now - origin).seconds / periodSeconds
        let level = 1 - abs(2 * (phase - phase.rounded(.down)) - 1)
        return Int64(Double(maxBytes) * level)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

/// How fast MemAvailable is falling for reasons other than Ollama's models (it records
/// MemAvailable plus what the models hold), from the governor's own recent readings: another
/// process that is allocating now will have taken more by the time a load completes, so
/// a load must leave room for that too. earlyoom acts on the value it just read; a
/// governor that starts something lasting seconds must look a little ahead.
struct MemoryTrend {
    private var readings: [(at: ContinuousClock.Instant, available: Int64)] = []
    /// Readings older than this say nothing about the next seconds.
    static let window: Duration = .seconds(5)

    mutating func record(_ available: Int64?, at now: ContinuousClock.Instant = .now) {
        guard let available else { return }
        readings.append((now, available))
        readings.removeAll { now - $0.at > Self.window }
    }

    /// Bytes a second MemAvailable fell over the window (0 when steady or rising, or
    /// with fewer than two readings a few milliseconds apart).
    var fallPerSecond: Double {
        guard let first = readings.first, let last = readings.last else { return 0 }
        let seconds = (last.at - first.at).seconds
        guard seconds >= 0.005 else { return 0 }
        return max(0, Double(first.available - last.available) / seconds)
    }

    /// What MemAvailable may lose while a load of `seconds` runs, at the current fall.
    func headroom(forSeconds seconds: Double) -> Int64 {
        Int64(fallPerSecond * max(seconds, 0))
    }
}

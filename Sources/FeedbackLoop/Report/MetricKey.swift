/// One series of the metrics' all-time counters: its name (ending in `_total`) and its
/// labels as the exposition writes them (`{result="completed"}`, "" for none).
public struct MetricKey: Hashable, Sendable, Comparable {
    public var name: String
    public var labels: String

    public init(name: String, labels: String) {
        self.name = name
        self.labels = labels
    }

    public init(_ name: String, _ labels: [(String, String)] = []) {
        self.init(name: name, labels: CycleMetrics.labels(labels))
    }

    public static func < (a: MetricKey, b: MetricKey) -> Bool { (a.name, a.labels) < (b.name, b.labels) }
}

/// The counters a cycle adds to, by name.
public enum Counter {
    public static let violationsIngested = "consciousness_violations_ingested_total"
    public static let malformedLines = "consciousness_malformed_lines_total"
    public static let cycles = "consciousness_cycles_total"
    public static let modelCalls = "consciousness_model_calls_total"
    public static let logEvents = "consciousness_log_events_total"

    /// What a finished cycle adds.
    public static func increments(of r: CycleReport) -> [MetricKey: Int64] {
        var out: [MetricKey: Int64] = [
            MetricKey(cycles, [("result", CycleResult.of(r.stages).rawValue)]): 1,
            MetricKey(violationsIngested): r.ingest?.ingested ?? 0,
            MetricKey(malformedLines): Int64(r.ingest?.malformed.total ?? 0),
        ]
        for c in r.modelCalls { out[MetricKey(modelCalls, [("model", c.model), ("role", c.role)]), default: 0] += 1 }
        for e in r.ingest?.events ?? [] { out[MetricKey(logEvents, [("kind", e.kind.rawValue)]), default: 0] += 1 }
        return out
    }

    /// What a failed cycle adds.
    public static let failedCycle: [MetricKey: Int64] = [MetricKey(cycles, [("result", CycleResult.failed.rawValue)]): 1]
}

import Foundation

/// The cycle's figures in the Prometheus text exposition format, for node_exporter's
/// textfile collector: `# HELP` and `# TYPE` before each family, label values escaped.
/// All-time counters (`…_total`, kept in the store so they survive restarts) for
/// `rate()`; gauges for the last cycle; `consciousness_build_info`. A series that
/// exists once stays (0 where the cycle had nothing to count: every result, stage,
/// outcome, configured model), so graphs and `absent()` alerts do not break; a figure
/// the cycle could not know (no log read) is left out rather than written as 0.
public struct CycleMetrics: Sendable, Equatable {
    public var cycle: Int64
    /// "completed", "degraded" or "failed".
    public var result: String
    /// Wall time of the cycle's end, seconds since the epoch.
    public var timestampSeconds: Double
    public var durationSeconds: Double
    public var violationsIngested: Int64?
    public var malformedLines: Int64?
    public var violationsAnalyzed: Int64?
    public var patterns: Int?
    public var proposalsPending: Int?
    public var accuracy: ForecastAccuracy?
    public var memoryAvailableBytes: Int64?
    public var peakRssBytes: Int64?
    public var modelCalls: [ModelCallRecord]
    public var logEvents: [LogEvent] = []
    public var fixes: [FixEffect] = []
    /// Patterns by urgency.
    public var urgency: [Priority.Urgency: Int] = [:]
    /// The all-time counters, this cycle included.
    public var counters: [MetricKey: Int64] = [:]
    /// The stages the cycle ran, with their outcome and time.
    public var stages: [StageOutcome] = []
    /// The configured model of each role (role, model): their series exist with no call.
    public var configuredModels: [ConfiguredModel] = []

    public struct ConfiguredModel: Sendable, Equatable {
        public var role: String
        public var model: String
        public init(role: String, model: String) {
            self.role = role
            self.model = model
        }
    }
    /// `git describe` of the binary.
    public var version: String?
    /// The remote Architect's calls, all nights together (AGENCY_MODE=hybrid).
    public var remote: RemoteSpend?
    /// API_BUDGET_USD_PER_NIGHT, in hybrid; and the latest night's spend against it.
    public var remoteCapUSD: Double?
    public var remoteLastNight: RemoteSpend?

    public static let results = [CycleResult.completed, .degraded, .failed].map(\.rawValue)

    public init(cycle: Int64, result: String, timestampSeconds: Double, durationSeconds: Double) {
        self.cycle = cycle
        self.result = result
        self.timestampSeconds = timestampSeconds
        self.durationSeconds = durationSeconds
        self.modelCalls = []
    }

    /// A finished cycle's metrics from its report.
    public init(_ r: CycleReport, timestampSeconds: Double, durationSeconds: Double, proposalsPending: Int) {
        self.init(cycle: r.cycle, result: CycleResult.of(r.stages).rawValue,
                  timestampSeconds: timestampSeconds, durationSeconds: durationSeconds)
        violationsIngested = r.ingest?.ingested
        malformedLines = r.ingest.map { Int64($0.malformed.total) }
        logEvents = r.ingest?.events ?? []
        violationsAnalyzed = r.analysis.violationsAnalyzed
        patterns = r.analysis.patterns.count
        self.proposalsPending = proposalsPending
        accuracy = r.forecastAccuracy
        memoryAvailableBytes = r.memoryAvailableBytes
        peakRssBytes = r.peakRSSBytes
        modelCalls = r.modelCalls
        stages = r.stages
        fixes = r.fixes
        for p in r.analysis.patterns { if let u = p.priority?.urgency { urgency[u, default: 0] += 1 } }
    }

    public func exposition() -> String {
        var out: [String] = []
        func family(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)],
                    type: String = "gauge") {
            guard !samples.isEmpty else { return }
            out.append("# HELP \(name) \(Self.escapeHelp(help))")
            out.append("# TYPE \(name) \(type)")
            for s in samples { out.append(name + Self.labels(s.labels) + " " + Self.number(s.value)) }
        }
        func one(_ name: String, _ help: String, _ v: Double?) { family(name, help, v.map { [([], $0)] } ?? []) }

        family("consciousness_build_info", "The running binary's version (git describe); always 1.",
               [([("version", version ?? "unknown")], 1)])
        counterFamilies(&out)
        stageFamilies(family)
        remoteFamilies(family)

        one("consciousness_last_cycle_number", "Number of the last cycle.", Double(cycle))
        family("consciousness_cycle_result", "Result of the last cycle: 1 for the result it had, 0 for the others.",
               Self.results.map { ([("result", $0)], $0 == result ? 1 : 0) })
        one("consciousness_last_cycle_timestamp_seconds", "When the last cycle ended, seconds since the epoch.", timestampSeconds)
        one("consciousness_cycle_duration_seconds", "Wall time the last cycle took.", durationSeconds)
        one("consciousness_last_cycle_violations_ingested", "New violations the last cycle read from the log.", violationsIngested.map(Double.init))
        one("consciousness_last_cycle_malformed_lines", "Malformed log lines the last cycle skipped.", malformedLines.map(Double.init))
        family("consciousness_last_cycle_log_events", "Rotations drained, truncations detected and files lost in the last cycle, by kind.",
               LogEvent.Kind.allCases.map { k in ([("kind", k.rawValue)], Double(logEvents.filter { $0.kind == k }.count)) })
        one("consciousness_log_drained_bytes", "Bytes the last cycle read from rotated files and copies.",
            Double(logEvents.reduce(0) { $0 + $1.bytesRead }))
        one("consciousness_violations_analyzed", "Violations in the last cycle's analysis window.", violationsAnalyzed.map(Double.init))
        one("consciousness_patterns", "Patterns the last cycle detected.", patterns.map(Double.init))
        one("consciousness_proposals_pending", "Evolution proposals waiting for a person's approval.", proposalsPending.map(Double.init))
        if patterns != nil {
            family("consciousness_patterns_by_urgency", "The last cycle's patterns by urgency.",
                   Priority.Urgency.allCases.map { ([("urgency", $0.rawValue)], Double(urgency[$0] ?? 0)) })
        }
        let labelled = fixes.map { [("proposal", String($0.proposal)), ("agent", $0.agent), ("verdict", $0.verdict.rawValue)] }
        family("consciousness_fix_effect_ratio", "A merged fix's effect: the agent's violations a day after it over before it (0.17 = −83%).",
               zip(labelled, fixes).map { ($0, $1.ratio) })
        family("consciousness_fix_effect_p_value", "p-value of \"the merged fix changed nothing\".",
               zip(labelled, fixes).map { ($0, $1.pValue) })
        if let a = accuracy {
            one("consciousness_forecasts_scored", "Forecasts scored against what happened, all time.", Double(a.allTime.forecasts))
            one("consciousness_forecasts_pending", "Forecasts waiting for their horizon to pass.", Double(a.pending))
            family("consciousness_forecast_mape_ratio", "Mean absolute percentage error of the scored forecasts (0.1 = 10%).",
                   windows(a) { $0.mape })
            family("consciousness_forecast_mean_absolute_error", "Mean absolute error of the scored forecasts, in violations.",
                   windows(a) { $0.meanAbsoluteError })
        }
        one("consciousness_memory_available_bytes", "MemAvailable at the end of the last cycle.", memoryAvailableBytes.map(Double.init))
        one("consciousness_peak_rss_bytes", "Peak resident memory of the process at the end of the last cycle.", peakRssBytes.map(Double.init))
        let models = perModel()
        family("consciousness_last_cycle_model_calls", "Model calls in the last cycle (0 for a configured model not called).", models.map { ($0.labels, Double($0.calls)) })
        family("consciousness_model_load_seconds", "Mean time the model took to load for the last cycle's calls (0: resident).",
               models.map { ($0.labels, $0.load) })
        family("consciousness_model_latency_seconds", "Mean latency of the model's calls in the last cycle.",
               models.map { ($0.labels, $0.latency) })
        family("consciousness_model_tokens_per_second", "Mean generation speed of the model's calls that produced tokens.",
               models.compactMap { m in m.speed.map { (m.labels, $0) } })
        return out.joined(separator: "\n") + "\n"
    }

    /// The remote Architect against its cap: shown in hybrid, or once any call was made.
    private func remoteFamilies(_ family: (String, String, [(labels: [(String, String)], value: Double)], String) -> Void) {
        guard let r = remote, remoteCapUSD != nil || r.calls + r.refusedByCap > 0 else { return }
        family("consciousness_remote_calls_total", "Remote Architect calls sent (AGENCY_MODE=hybrid), all time.", [([], Double(r.calls))], "counter")
        family("consciousness_remote_calls_over_cap_total", "Remote Architect calls not made: their worst case would have crossed the night's cap.",
               [([], Double(r.refusedByCap))], "counter")
        family("consciousness_remote_tokens_total", "Tokens the remote Architect's calls were booked at, by kind.",
               [([("kind", "prompt")], Double(r.promptTokens)), ([("kind", "completion")], Double(r.completionTokens))], "counter")
        family("consciousness_remote_cost_usd_total", "US dollars booked for remote Architect calls (a call without usage at its worst case), all time.",
               [([], r.spentUSD)], "counter")
        family("consciousness_remote_unbooked_usd", "Worst cases of remote calls reserved and not booked: in flight, or cut by a crash (counted against their night's cap).",
               [([], r.unbookedUSD ?? 0)], "gauge")
        if let cap = remoteCapUSD {
            family("consciousness_remote_budget_usd", "API_BUDGET_USD_PER_NIGHT: the hard cap on one night's remote calls.", [([], cap)], "gauge")
        }
        if let n = remoteLastNight {
            family("consciousness_remote_last_night_spent_usd", "What the latest night with remote calls spent against its cap.", [([], n.spentUSD)], "gauge")
        }
    }

    private func windows(_ a: ForecastAccuracy, _ f: (Accuracy) -> Double?) -> [(labels: [(String, String)], value: Double)] {
        [("30d", a.lastThirtyDays), ("all", a.allTime)].compactMap { w, acc in f(acc).map { ([("window", w)], $0) } }
    }

    /// Each model called in the cycle, and each configured one not called (zeros).
    private func perModel() -> [(labels: [(String, String)], calls: Int, load: Double, latency: Double, speed: Double?)] {
        let used = ModelUsage.of(modelCalls)
        var rows = used.map { (model: $0.model, role: $0.role, calls: $0.calls, load: $0.meanLoadSeconds,
                               latency: $0.meanLatencySeconds, speed: $0.tokensPerSecond) }
        for c in configuredModels where !used.contains(where: { $0.model == c.model && $0.role == c.role }) {
            rows.append((c.model, c.role, 0, 0, 0, 0))
        }
        return rows.sorted { ($0.model, $0.role) < ($1.model, $1.role) }.map {
            ([("model", $0.model), ("role", $0.role)], $0.calls, $0.load, $0.latency, $0.speed)
        }
    }

    /// The all-time counters: every result and log event kind, every configured model,
    /// present from the first cycle on.
    private func counterFamilies(_ out: inout [String]) {
        var all = counters
        func ensure(_ key: MetricKey) { if all[key] == nil { all[key] = 0 } }
        for r in Self.results { ensure(MetricKey(Counter.cycles, [("result", r)])) }
        for k in LogEvent.Kind.allCases { ensure(MetricKey(Counter.logEvents, [("kind", k.rawValue)])) }
        for c in configuredModels { ensure(MetricKey(Counter.modelCalls, [("model", c.model), ("role", c.role)])) }
        ensure(MetricKey(Counter.violationsIngested))
        ensure(MetricKey(Counter.malformedLines))
        let help = [
            Counter.cycles: "Cycles run, by result.",
            Counter.violationsIngested: "Violations read from the log and stored.",
            Counter.malformedLines: "Log lines skipped as malformed.",
            Counter.modelCalls: "Model calls, by model and role.",
            Counter.logEvents: "Rotations drained, truncations detected and files lost, by kind.",
        ]
        for (name, series) in Dictionary(grouping: all.keys, by: \.name).sorted(by: { $0.key < $1.key }) {
            out.append("# HELP \(name) \(Self.escapeHelp(help[name] ?? name))")
            out.append("# TYPE \(name) counter")
            for k in series.sorted() { out.append(name + k.labels + " " + Self.number(Double(all[k] ?? 0))) }
        }
    }

    /// Each cycle stage's time and outcome in the last cycle (0 and "skipped" for one
    /// that did not run).
    private func stageFamilies(_ family: (String, String, [(labels: [(String, String)], value: Double)], String) -> Void) {
        guard !stages.isEmpty else { return }
        let cycleStages = Stage.allCases.filter { $0 != .morning }
        let byStage = Dictionary(stages.map { ($0.stage, $0) }, uniquingKeysWith: { _, b in b })
        family("consciousness_stage_duration_seconds", "Time each stage of the last cycle took.",
               cycleStages.map { ([("stage", $0.rawValue)], (byStage[$0]?.milliseconds ?? 0) / 1000) }, "gauge")
        let outcomes: [StageOutcome.Outcome] = [.ok, .degraded, .skipped, .failed]
        family("consciousness_stage_outcome", "Outcome of each stage of the last cycle: 1 for the one it had.",
               cycleStages.flatMap { s in outcomes.map { o in
                   ([("stage", s.rawValue), ("outcome", o.rawValue)], (byStage[s]?.outcome ?? .skipped) == o ? 1 : 0)
               } }, "gauge")
    }

    static func labels(_ l: [(String, String)]) -> String {
        l.isEmpty ? "" : "{" + l.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// Label values: backslash, double quote and line feed escaped, as the format requires.
    public static func escapeLabel(_ s: String) -> String { escape(s, quotes: true) }

    /// HELP text: backslash and line feed escaped.
    static func escapeHelp(_ s: String) -> String { escape(s, quotes: false) }

    /// Most texts have nothing to escape and are returned as they are. (Foundation's
    /// `replacingOccurrences`, which escaped HELP texts, was ~0.4 ms of a one-shot cycle.)
    private static func escape(_ s: String, quotes: Bool) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (quotes && $0 == UInt8(ascii: "\"")) })
        else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"" where quotes: out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Go's float formatting as the format reads it: integers plainly, NaN and
    /// infinities by name.
    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

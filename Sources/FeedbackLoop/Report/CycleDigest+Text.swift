/// A stored cycle report as `consciousness report --cycle N` prints it: the figures
/// the store kept, in the cycle report's order. (`--json` prints the stored JSON itself.)
extension CycleDigest {
    public func text(result: String) -> String {
        let rule = String(repeating: "=", count: 80)
        var out = ["", rule, "CONSTITUTIONAL CONSCIOUSNESS - CYCLE REPORT (from the store)", rule, ""]
        out.append("Cycle \(cycle): \(cycleTimestamp) — \(result)")
        if let summary { out.append(summary) }
        if let i = ingest {
            out.append("Read: \(Format.group(i.linesRead)) new lines, \(Format.group(i.ingested)) violations\(i.log.map { " from \($0)" } ?? "")")
        }
        out.append("Violations Analyzed: \(Format.group(violationsAnalyzed))")
        out.append("")
        out.append("Patterns Detected: \(patternsDetected.count)")
        for (n, p) in patternsDetected.enumerated() {
            let rank = p.priority.map { "#\($0.rank) \($0.urgency)" } ?? "\(n + 1)."
            out.append("   \(rank) \(p.functionName) (\(Format.group(p.frequency)) occurrences) — \(p.trendSummary ?? p.trend.rawValue)")
        }
        let forecasts = predictions ?? []
        out.append("")
        out.append("Predictions: \(forecasts.count)")
        for f in forecasts {
            out.append("   \(f.function): \(Format.group(f.expectedOccurrences)) expected (80% interval \(Format.group(f.interval.first ?? 0))–\(Format.group(f.interval.last ?? 0))), P(≥1) \(Format.percent(f.probability))\(f.lowConfidence ? ", low confidence" : "")")
        }
        if let p = proposals {
            out.append("")
            out.append("Proposals: \(p.count)" + (p.isEmpty ? "" : " — " + p.map { "#\($0.id) \($0.change)" }.joined(separator: ", ")))
        }
        out.append("")
        out += modelLines
        out.append("Vector memory: " + (vectorMemory.map {
            "\(Format.group($0.entries)) entries, \(Format.bytes($0.bytes)); +\($0.added) added, \($0.updated) updated (\($0.embedder))"
        } ?? "not recorded"))
        out.append("Peak memory: " + (peakRssBytes.map(Format.bytes) ?? "not recorded")
                   + (memoryAvailableBytes.map { "; MemAvailable \(Format.bytes($0))" } ?? ""))
        out.append("API calls: " + (apiCalls.map { "\($0) remote" } ?? "not counted (no model client)"))
        if let stages {
            out.append("")
            out.append("Stages: " + stages.map { "\($0.stage) \($0.outcome.rawValue)" }.joined(separator: " · "))
            for s in stages where s.outcome != .ok { out.append("   \(s.stage): \(s.detail)") }
        }
        out.append(rule)
        return out.joined(separator: "\n") + "\n"
    }

    var modelLines: [String] {
        guard let calls = modelCalls, !calls.isEmpty else { return ["Model calls: no model calls"] }
        var out = ["Model calls: \(calls.count)"]
        for c in calls {
            var line = "   \(c.stage): \(c.modelShown) (\(c.role)) \(c.outcome.rawValue), load \(Format.fixed(c.loadSeconds, 2)) s, "
                + "latency \(Format.fixed(c.latencySeconds, 2)) s, \(c.speed)"
            if let why = c.fallbackReason { line += " — \(why)" }
            out.append(line)
        }
        return out
    }
}

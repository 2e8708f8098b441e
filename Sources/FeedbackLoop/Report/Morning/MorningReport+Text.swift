import Foundation

/// The readable morning report, as `consciousness report --morning` prints it.
extension MorningReport {
    public func text() -> String {
        let rule = String(repeating: "=", count: 80)
        var out = ["", rule, "CONSTITUTIONAL CONSCIOUSNESS - MORNING REPORT", rule, ""]
        out.append(nightLine)
        out.append(originLine)
        out.append("")
        out.append("Narrative (\(narrative.author)\(narrative.note.map { "; \($0)" } ?? "")):")
        out += Self.wrap(narrative.text, width: 76).map { "   " + $0 }
        out.append("")
        out.append(cyclesLine)
        out.append(violationsLine)
        out.append("")
        out.append("Patterns: \(patterns.count) (trend over the last cycle's window; violations per hour over the night)")
        let width = max(8, patterns.map(\.function.count).max() ?? 0)
        for p in patterns {
            let name = p.function.rightPadded(width)
            // Cut at 24 as well as padded: a column, whatever the rank and urgency add.
            let trend = String(((p.rank.map { "#\($0) " } ?? "") + (p.urgency.map { "\($0) " } ?? "")
                                + (p.trend?.rawValue ?? "not analysed")).prefix(24)).rightPadded(24)
            let peak = p.hourly.max() ?? 0
            out.append("   \(name)  \(trend) \(Format.group(p.nightCount).leftPadded(6)) tonight  \(Sparkline.render(p.hourly))  peak \(peak)/h")
        }
        if !hourLabels.isEmpty { out.append("   (hours \(hourLabels.first!)–\(hourLabels.last!), \(night.timeZone))") }
        out.append("")
        out.append("Forecasts (next horizon): \(forecasts.count)")
        for f in forecasts {
            out.append("   \(f.function): \(Format.fixed(f.expected, 0)) expected (80% interval \(Format.group(f.low))–\(Format.group(f.high))), P(≥1) \(Format.percent(f.probability))\(f.lowConfidence ? ", low confidence" : "")")
        }
        out.append("Forecast accuracy so far: \(accuracyLine)")
        if let fixes, !fixes.isEmpty {
            out.append("")
            out.append("Approved fixes on the main line: \(fixes.count)")
            for f in fixes { out.append("   \(f.summary)") }
        }
        out.append("")
        out.append("Proposals awaiting approval: \(proposals.count)\(proposals.isEmpty ? "" : " (in the order to review them, by \(narrative.author))")")
        for (k, p) in rankedProposals.enumerated() {
            out.append("   \(k + 1). #\(p.id) \(p.agent) — confidence \(Format.percent(p.confidence)), evidence \(Format.group(p.evidenceVolume)) violations → \(p.targetFile)")
        }
        out.append("")
        out.append("Vector memory: \(vectorMemoryLine)")
        out.append("API calls: \(apiCallsLine)")
        out.append("Cost: \(costLine)")
        out.append("Peak memory: \(memoryLine)")
        out.append("Models: \(models.isEmpty ? "no model calls" : "\(models.count)")")
        for m in models { out.append("   " + Self.modelLine(m)) }
        out.append("Degraded stages: \(degraded.isEmpty ? "none" : "\(degraded.count)")")
        for d in degraded { out.append("   cycle \(d.cycle) \(d.stage) \(d.outcome): \(d.detail)") }
        out.append(rule)
        return out.joined(separator: "\n") + "\n"
    }

    var nightLine: String {
        "Night of \(night.date): \(Timestamp.iso8601(night.start)) → \(Timestamp.iso8601(night.end)) "
            + "(\(night.reportTime) to \(night.reportTime) \(night.timeZone), \(Format.fixed(night.hours, 0)) h)"
    }

    /// Made before the night ended: the hours since are not in it yet.
    public var inProgress: Bool { Timestamp.parse(generatedAt).map { $0 < night.end } ?? false }

    /// The chart's hours the report could see: all of them, or for a night in progress
    /// those begun before it was made (the later ones are not zeros, they have not come).
    public var observedHours: Int {
        guard inProgress, let made = Timestamp.parse(generatedAt) else { return hourLabels.count }
        return min(hourLabels.count, night.bucketHours.filter { Int64($0) * Timestamp.microsPerHour < made }.count)
    }

    var originLine: String {
        let progress = inProgress ? " — NIGHT IN PROGRESS: it runs until \(Timestamp.iso8601(night.end)); later hours are not counted yet" : ""
        return switch origin {
        case .daemon: "Written by the daemon at \(generatedAt)" + progress
        case .computed: "Computed at \(generatedAt) from the store: no morning report was stored for this date" + progress
        }
    }

    var cyclesLine: String {
        let c = cycles
        var s = "Cycles: \(c.completed) completed of \(c.scheduled) scheduled (every \(Self.interval(c.intervalSeconds)))"
        var notes: [String] = []
        if c.degraded > 0 { notes.append("\(c.degraded) degraded") }
        if c.failed > 0 { notes.append("\(c.failed) failed") }
        if c.interrupted > 0 { notes.append("\(c.interrupted) interrupted") }
        if let f = c.first, let l = c.last { notes.append(f == l ? "cycle \(f)" : "cycles \(f)–\(l)") }
        if !notes.isEmpty { s += "; " + notes.joined(separator: ", ") }
        return s
    }

    var violationsLine: String {
        let v = violations
        return "Violations: \(Format.group(v.occurred)) occurred in the night; the night's cycles analysed "
            + "\(Format.group(v.ingested)) new (\(Format.group(v.linesRead)) lines read, \(Format.group(v.malformed)) malformed)"
    }

    var accuracyLine: String {
        guard let a = accuracy else { return "not measured (no forecast stage ran)" }
        guard a.scored > 0 else { return "not enough history yet (\(a.pending) forecast(s) waiting for their horizon)" }
        var parts = ["\(a.scored) scored"]
        if let m = a.mape { parts.append("MAPE \(Format.fixed(m * 100, 1))%") }
        if let e = a.meanAbsoluteError { parts.append("mean abs error \(Format.fixed(e, 1))") }
        if let c = a.intervalCoverage { parts.append("80% interval coverage \(Format.percent(c))") }
        if let b = a.brier { parts.append("Brier \(Format.fixed(b, 4))") }
        parts.append("\(a.scoredInNight) scored during the night, \(a.pending) pending")
        return parts.joined(separator: ", ")
    }

    var vectorMemoryLine: String {
        guard let v = vectorMemory else { return "not recorded (no Learn stage stored anything in the night)" }
        return "+\(Format.group(v.added)) added, \(Format.group(v.updated)) updated over \(v.cyclesRecorded) cycle(s); "
            + "now \(Format.group(v.entries)) entries, \(Format.bytes(v.bytes)) (\(v.embedder))"
    }

    var apiCallsLine: String {
        guard let remote = apiCalls.remote else { return "not counted (no model client ran in the night's cycles)" }
        var line = "\(remote) remote"
        if let p = apiCalls.promptTokens, let c = apiCalls.completionTokens {
            line += " (the Architect: \(Format.group(Int64(p))) + \(Format.group(Int64(c))) tokens)"
        }
        return line + (apiCalls.loopback.map { ", \($0) to local Ollama (loopback)" } ?? "")
    }

    var costLine: String {
        if let cap = apiCalls.capUsd, let spent = apiCalls.costUsd {
            return "$\(Format.fixed(spent, 4)) of the night's $\(Format.fixed(cap, 2)) cap — " + apiCalls.costNote
        }
        return (apiCalls.costUsd.map { "$" + Format.fixed($0, 2) } ?? "unknown") + " — " + apiCalls.costNote
    }

    var memoryLine: String {
        let peak = peakRssBytes.map { "\(Format.bytes($0)) peak resident (this process)" } ?? "not recorded"
        return peak + (lowestMemoryAvailableBytes.map { "; lowest MemAvailable \(Format.bytes($0))" } ?? "")
    }

    static func modelLine(_ m: ModelNight) -> String {
        "\(m.model) (\(m.role)): \(m.calls) call(s)\(m.fallbacks > 0 ? ", \(m.fallbacks) fell back" : ""); "
            + "load mean \(Format.fixed(m.meanLoadSeconds, 2)) s, max \(Format.fixed(m.maxLoadSeconds, 2)) s; "
            + "median latency \(Format.fixed(m.medianLatencySeconds, 2)) s; "
            + m.speed
    }

    /// The pending proposals in the narrative's order.
    public var rankedProposals: [PendingProposal] {
        let byID = Dictionary(proposals.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ranked = narrative.ranking.compactMap { byID[$0] }
        return ranked + proposals.filter { p in !ranked.contains { $0.id == p.id } }
    }

    static func interval(_ seconds: Int64) -> String {
        if seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

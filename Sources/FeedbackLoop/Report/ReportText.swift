/// The readable report printed without `--json`, laid out as the original tool's.
extension CycleReport {
    public func text() -> String {
        let rule = String(repeating: "=", count: 80)
        var out = ["", rule, "CONSTITUTIONAL CONSCIOUSNESS - CYCLE REPORT", rule, ""]
        out.append("Cycle \(cycle): \(Timestamp.iso8601(timestamp))")
        if let i = ingest {
            var line = "Read: \(Format.group(i.linesRead)) new lines (\(Format.bytes(i.bytesRead))) from \(i.log)"
            if let r = i.restart, r != .firstRead { line += " — file \(r.rawValue), read from the start" }
            out.append(line)
            for e in i.events { out.append("   \(e.summary)") }
            if i.malformed.total > 0 {
                out.append("Malformed lines skipped: \(i.malformed.total)")
                for (reason, e) in i.malformed.entries.sorted(by: { $0.key < $1.key }) {
                    let lines = e.firstLines.map(String.init).joined(separator: ", ")
                    out.append("   \(reason.rawValue): \(e.count) (\(reason.explanation); first at line \(lines))")
                }
            }
        }
        out.append("Violations Analyzed: \(Format.group(analysis.violationsAnalyzed)) (\(windowDescription))")
        if analysis.violationsAnalyzed == 0 {
            out.append("")
            out.append(analysis.window.days.map { "No violations in the last \($0) days." } ?? "No violations recorded.")
        }
        out += priorityLines()
        out += fixLines()
        out.append("")
        out.append("Patterns Detected: \(analysis.patterns.count)\(analysis.patterns.isEmpty ? "" : " (in priority order)")")
        for (n, p) in analysis.patterns.enumerated() { out += patternLines(n + 1, p) }
        if analysis.patterns.isEmpty, analysis.violationsAnalyzed > 0 {
            out.append("")
            out.append("No significant patterns detected (< 3 occurrences threshold)")
        }
        out += predictionLines()
        out += proposalLines()
        out += modelLines()
        if let o = outboundRequests {
            out.append("")
            out.append("API calls: \(o.remote) (requests counted: \(o.loopback) to loopback, \(o.remote) elsewhere)")
        }
        out.append("")
        out.append("Stages: " + stages.map { "\($0.stage) \($0.outcome.rawValue)" }.joined(separator: " · "))
        for s in stages where s.outcome != .ok { out.append("   \(s.stage): \(s.detail)") }
        out.append(rule)
        return out.joined(separator: "\n") + "\n"
    }

    /// The handful a person should look at first, with what the figures assume.
    private func priorityLines() -> [String] {
        let ranked = analysis.patterns.filter { $0.priority != nil }
        guard !ranked.isEmpty else { return [] }
        let horizon = predictions.first?.horizonDays ?? 7
        var out = ["", "Top priorities (by the cost expected over the next \(horizon) days):"]
        for p in ranked.prefix(5) {
            let r = p.priority!
            out.append("   \(r.rank). \(r.urgency.rawValue.rightPadded(6)) \(p.functionName) — "
                       + "\(Format.fixed(r.expectedViolations, 0)) expected, $\(Format.thousands(r.expectedCostUSD)); \(p.rate.summary)")
        }
        let week = ranked.reduce(0) { $0 + $1.roiCostSaved } / 52
        out.append("   All patterns: $\(Format.thousands(week)) a week at the forecast rates ($\(Format.thousands(week * 52)) a year)")
        out.append("   Assumed: \(cost.statement).")
        return out
    }

    /// The closed loop: each approved fix that reached the main line, and what it did.
    private func fixLines() -> [String] {
        guard !fixes.isEmpty else { return [] }
        return ["", "Approved fixes on the main line (violations a day before → after the merge):"]
            + fixes.map { "   \($0.summary)" }
    }

    private func patternLines(_ n: Int, _ p: Pattern) -> [String] {
        let rank = p.priority.map { "#\($0.rank) \($0.urgency.rawValue)" } ?? "\(n)."
        var out = ["", "\(rank) \(p.functionName) (\(Format.group(p.frequency)) occurrences, severity \(p.severity))"]
        let articles = p.articlesViolated.isEmpty ? "none named (unclassified)" : p.articlesViolated.joined(separator: ", ")
        out.append("   Articles violated: \(articles)")
        for s in p.signatures { if let m = s.classifiedBy {
            out.append("      \(s.articles.joined(separator: ", ")) for “\(s.signature)” (\(Format.group(s.count))×): classified by the Controller (\(m))")
        } }
        out.append("   Trend: \(p.rate.summary)")
        if let f = predictions.first(where: { $0.patternID == p.patternID }) {
            let flag = f.lowConfidence ? "; low confidence: little history" : ""
            out.append("   Forecast, next \(f.horizonDays) days: \(Format.group(f.expectedOccurrences)) expected (80% interval "
                       + "\(Format.group(f.interval[0]))–\(Format.group(f.interval[1]))), confidence \(Format.percent(f.confidence)) "
                       + "that it lands within ±20%\(flag)")
        }
        if let r = p.priority {
            var cost = "   Cost at the forecast rate: $\(Format.thousands(p.roiCostSaved / 52)) a week ($\(Format.thousands(p.roiCostSaved)) a year)"
            if let days = r.paybackDays { cost += "; a fix pays for itself in \(Self.days(days))" }
            out.append(cost)
        }
        for f in fixes where f.functions.contains(p.functionName) { out.append("   Fix: \(f.summary)") }
        out.append("   First seen: \(p.firstSeen.prefix(10)) · last seen: \(p.lastSeen.prefix(10))")
        out.append("   Recommendation: \(p.priority?.action(p.fixSuggestion) ?? p.fixSuggestion)")
        if p.signatures.count > 1 {
            out.append("   Signatures:")
            for s in p.signatures.prefix(5) { out.append("      \(Format.group(s.count)) × \(s.signature)") }
            if p.signatures.count > 5 { out.append("      … and \(p.signatures.count - 5) more (all in --json)") }
        }
        return out
    }

    static func days(_ d: Double) -> String {
        d < 1 ? "\(Format.fixed(d * 24, 0)) hours" : d < 14 ? "\(Format.fixed(d, 1)) days" : "\(Format.fixed(d / 7, 0)) weeks"
    }

    private func predictionLines() -> [String] {
        guard let accuracy = forecastAccuracy else { return [] }
        return ["", "Forecast accuracy: " + Self.describe(accuracy)]
    }

    /// "not enough history yet", or the measured figures over 30 days and all time.
    public static func describe(_ a: ForecastAccuracy) -> String {
        guard a.hasHistory else { return "not enough history yet (\(a.pending) forecast(s) waiting for their horizon)" }
        func figures(_ x: Accuracy) -> String {
            let mape = x.mape.map { Format.percent($0) } ?? "n/a"
            let cov = x.intervalCoverage.map { Format.percent($0) } ?? "n/a"
            let brier = x.brier.map { Format.fixed($0, 4) } ?? "n/a"
            return "\(x.forecasts) scored, MAPE \(mape), interval coverage \(cov), Brier \(brier)"
        }
        return "last 30 days \(figures(a.lastThirtyDays)); all time \(figures(a.allTime))"
    }

    private func proposalLines() -> [String] {
        guard !proposals.isEmpty else { return [] }
        var out = ["", "Evolution Proposals: \(proposals.count) (pending human approval, in priority order)"]
        for r in proposals {
            let p = r.proposal
            let cost = analysis.patterns.filter { $0.agent == p.agent }.reduce(0) { $0 + ($1.priority?.expectedCostUSD ?? 0) }
            out.append("   #\(r.id) \(p.agent) — $\(Format.thousands(cost)) expected over the horizon, confidence \(Format.percent(p.confidence)), "
                       + "\(r.change.rawValue) → \(p.targetFile)")
            out.append("      \(p.provenance)")
        }
        return out
    }

    /// The vector memory and every model call, with its cost or its fallback.
    private func modelLines() -> [String] {
        var out: [String] = []
        if let m = vectorMemory { out += ["", "Vector memory: \(m.line)"] }
        guard !modelCalls.isEmpty else { return out }
        let fellBack = modelCalls.filter { $0.outcome == .fallback }.count
        out += ["", "Model calls: \(modelCalls.count) (\(fellBack) fell back)"]
        let shown = 12
        for c in modelCalls.prefix(shown) { out.append("   \(c.line)") }
        if modelCalls.count > shown { out.append("   … and \(modelCalls.count - shown) more (all in --json)") }
        return out
    }
}

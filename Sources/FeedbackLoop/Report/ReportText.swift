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
        out.append("")
        out.append("Patterns Detected: \(analysis.patterns.count)")
        for (n, p) in analysis.patterns.enumerated() { out += patternLines(n + 1, p) }
        if analysis.patterns.isEmpty, analysis.violationsAnalyzed > 0 {
            out.append("")
            out.append("No significant patterns detected (< 3 occurrences threshold)")
        }
        if let top = analysis.patterns.first {
            out.append("")
            out.append("Total ROI Potential: $\(Format.thousands(analysis.totalROIPotential))/year")
            out.append("Top Priority: \(top.functionName) ($\(Format.thousands(top.roiCostSaved)) annual cost)")
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

    private func patternLines(_ n: Int, _ p: Pattern) -> [String] {
        var out = ["", "\(n). \(p.functionName) (\(Format.group(p.frequency)) occurrences)"]
        let articles = p.articlesViolated.isEmpty ? "none named (unclassified)" : p.articlesViolated.joined(separator: ", ")
        out.append("   Articles violated: \(articles)")
        out.append("   Cost: $\(Format.thousands(p.roiCostSaved))/year")
        if p.frequency >= 10 {
            out.append("   ROI: \(Format.thousands(p.roiHoursSaved / 2))x (2 hours fix → \(Format.thousands(p.roiHoursSaved)) hours saved/year)")
        }
        out.append("   First seen: \(p.firstSeen.prefix(10))")
        out.append("   Last seen: \(p.lastSeen.prefix(10))")
        out.append("   Trend: \(p.trend.rawValue) (\(Format.fixed(p.trendTest.earlierRate, 2)) → \(Format.fixed(p.trendTest.laterRate, 2)) per hour, p = \(pValue(p.trendTest.pValue)))")
        out.append("   Recommendation: \(p.fixSuggestion)")
        if p.signatures.count > 1 {
            out.append("   Signatures:")
            for s in p.signatures.prefix(5) { out.append("      \(Format.group(s.count)) × \(s.signature)") }
        }
        return out
    }

    private func predictionLines() -> [String] {
        guard let accuracy = forecastAccuracy else { return [] }
        var out = ["", "Predictions (next \(predictions.first?.timePeriod.replacingOccurrences(of: "_", with: " ") ?? "7 days")): \(predictions.count)"]
        for f in predictions {
            let flag = f.lowConfidence ? ", low confidence: little history" : ""
            out.append("   \(f.function): \(Format.group(f.expectedOccurrences)) expected (80% interval \(Format.group(f.interval[0]))–\(Format.group(f.interval[1]))), P(≥1) \(Format.percent(f.probability)), confidence \(Format.percent(f.confidence))\(flag)")
            out.append("      \(f.recommendedAction)")
        }
        out.append("Forecast accuracy: " + Self.describe(accuracy))
        return out
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
        var out = ["", "Evolution Proposals: \(proposals.count) (pending human approval)"]
        for r in proposals {
            let p = r.proposal
            out.append("   #\(r.id) \(p.agent) — confidence \(Format.percent(p.confidence)), \(r.change) → \(p.targetFile)")
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

    func pValue(_ p: Double) -> String {
        p < 0.0001 ? "<0.0001" : Format.fixed(p, 4)
    }
}

/// The Markdown report each cycle writes into the reports directory.
extension CycleReport {
    public func markdown() -> String {
        var out = ["# Constitutional Consciousness — cycle \(cycle)", ""]
        out.append("- When: \(Timestamp.iso8601(timestamp))")
        out.append("- Window: \(windowDescription)")
        out.append("- \(summary)")
        if let i = ingest {
            out.append("- Read \(Format.group(i.linesRead)) new lines from `\(i.log)`; \(i.malformed.total) malformed skipped")
            for e in i.events { out.append("- Log \(e.kind.rawValue): \(e.summary)") }
        }
        out += ["", "## Patterns", ""]
        if analysis.patterns.isEmpty {
            out.append(analysis.violationsAnalyzed == 0 && analysis.window.days != nil
                       ? "No violations in the last \(analysis.window.days!) days." : "No pattern reached the threshold.")
        } else {
            out.append("In priority order. Money figures assume \(cost.statement).")
            out.append("")
            out.append("| rank | function | violations | severity | articles | trend | cost/week | fix |")
            out.append("|---:|---|---:|---|---|---|---:|---|")
            for p in analysis.patterns {
                let rank = p.priority.map { "\($0.rank) \($0.urgency.rawValue)" } ?? "—"
                out.append("| \(rank) | `\(p.functionName)` | \(Format.group(p.frequency)) | \(p.severity) | \(p.articlesViolated.joined(separator: ", ")) | \(p.rate.summary) | $\(Format.thousands(p.roiCostSaved / 52)) | \(p.fixSuggestion) |")
            }
        }
        if let accuracy = forecastAccuracy {
            out += ["", "## Predictions", ""]
            if !predictions.isEmpty {
                out.append("| function | expected | 80% interval | P(≥1) | confidence (±20%) | action |")
                out.append("|---|---:|---|---:|---:|---|")
                for f in predictions {
                    out.append("| `\(f.function)` | \(Format.group(f.expectedOccurrences)) | \(f.interval[0])–\(f.interval[1]) | \(Format.percent(f.probability)) | \(Format.percent(f.confidence))\(f.lowConfidence ? " (low)" : "") | \(f.recommendedAction) |")
                }
            }
            out += ["", "Forecast accuracy: " + CycleReport.describe(accuracy)]
        }
        if !fixes.isEmpty {
            out += ["", "## Approved fixes on the main line", ""]
            for f in fixes { out.append("- \(f.summary)") }
        }
        out += ["", "## Evolution proposals (pending approval)", ""]
        if proposals.isEmpty { out.append("None this cycle.") }
        for r in proposals {
            out.append("### #\(r.id) — \(r.proposal.agent) (confidence \(Format.fixed(r.proposal.confidence, 2)), \(r.change.rawValue))")
            out += ["", r.proposal.rationale, "", "Markdown: \(r.proposal.provenance).", "",
                    "Adds to `\(r.proposal.targetFile)`:", "", "````markdown"]
            out.append(r.proposal.markdown.trimmingSuffixNewlines())
            out += ["````", ""]
        }
        if let m = vectorMemory { out += ["", "Vector memory: \(m.line)."] }
        if !modelCalls.isEmpty {
            out += ["", "## Model calls", "", "| role | model | stage | outcome | load s | latency ms | speed | context |",
                    "|---|---|---|---|---:|---:|---:|---|"]
            for c in modelCalls {
                let outcome = c.fallbackReason.map { "fallback: \($0)" } ?? "used"
                out.append("| \(c.role) | `\(c.modelShown)` | \(c.stage) | \(outcome) | \(Format.fixed(c.loadSeconds, 2)) | "
                           + "\(Format.fixed(c.latencySeconds * 1000, 0)) | \(c.speed) | "
                           + "\(Format.percent(c.contextUse)) of \(c.numCtx) |")
            }
        }
        out += ["", "## Stages", "", "| stage | outcome | ms | detail |", "|---|---|---:|---|"]
        for s in stages {
            out.append("| \(s.stage) | \(s.outcome.rawValue) | \(Format.fixed(s.milliseconds, 1)) | \(s.detail) |")
        }
        return out.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}

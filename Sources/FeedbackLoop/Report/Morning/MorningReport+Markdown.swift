/// The Markdown morning report written beside its SVG chart in the reports directory.
extension MorningReport {
    /// `chart` is the SVG's file name, linked relative to the Markdown file.
    public func markdown(chart: String?) -> String {
        var out = ["# Morning report — night of \(night.date)", ""]
        out.append("\(nightLine)  ")
        out.append(originLine)
        out.append("")
        out.append("## Narrative")
        out.append("")
        out.append("_Written by: \(Self.md(narrative.author))\(narrative.note.map { " (\(Self.md($0)))" } ?? "")_")
        out.append("")
        out.append(Self.md(narrative.text))
        out.append("")
        out.append("## The night")
        out.append("")
        out.append("- \(cyclesLine)")
        out.append("- \(violationsLine)")
        out.append("")
        out.append("## Patterns")
        out.append("")
        if let chart { out += ["![Violations per hour of the top patterns](\(chart))", ""] }
        if patterns.isEmpty {
            out.append("No patterns.")
        } else {
            out.append("| pattern | trend | in window | tonight | per hour |")
            out.append("|---|---|---:|---:|---|")
            for p in patterns {
                out.append("| \(Self.md(p.function)) | \(Self.md(p.trendSummary ?? p.trend?.rawValue ?? "not analysed")) | \(Format.group(p.windowCount)) | \(Format.group(p.nightCount)) | `\(Sparkline.render(p.hourly))` |")
            }
        }
        out.append("")
        out.append("## Forecasts")
        out.append("")
        out.append("Accuracy so far: \(accuracyLine).")
        if let fixes, !fixes.isEmpty {
            out += ["", "## Approved fixes on the main line", ""]
            for f in fixes { out.append("- \(Self.md(f.summary))") }
        }
        out.append("")
        if !forecasts.isEmpty {
            out.append("| pattern | expected | 80% interval | P(≥1) |")
            out.append("|---|---:|---:|---:|")
            for f in forecasts {
                out.append("| \(Self.md(f.function))\(f.lowConfidence ? " (low confidence)" : "") | \(Format.fixed(f.expected, 0)) | \(Format.group(f.low))–\(Format.group(f.high)) | \(Format.percent(f.probability)) |")
            }
            out.append("")
        }
        out.append("## Proposals awaiting approval")
        out.append("")
        if proposals.isEmpty { out.append("None.") }
        for (k, p) in rankedProposals.enumerated() {
            out.append("\(k + 1). **#\(p.id) \(Self.md(p.agent))** — confidence \(Format.percent(p.confidence)), evidence \(Format.group(p.evidenceVolume)) violations → `\(p.targetFile)`")
        }
        out.append("")
        out.append("## Resources")
        out.append("")
        out.append("- Vector memory: \(vectorMemoryLine)")
        out.append("- API calls: \(apiCallsLine)")
        out.append("- Cost: \(costLine)")
        out.append("- Peak memory: \(memoryLine)")
        out.append("")
        if models.isEmpty {
            out.append("Models: no model calls.")
        } else {
            out.append("| model | role | calls | fell back | load mean s | load max s | median latency s | speed |")
            out.append("|---|---|---:|---:|---:|---:|---:|---:|")
            for m in models {
                out.append("| \(Self.md(m.model)) | \(m.role) | \(m.calls) | \(m.fallbacks) | \(Format.fixed(m.meanLoadSeconds, 2)) | \(Format.fixed(m.maxLoadSeconds, 2)) | \(Format.fixed(m.medianLatencySeconds, 2)) | \(m.speed) |")
            }
        }
        out.append("")
        out.append("## Degraded stages")
        out.append("")
        if degraded.isEmpty { out.append("None.") }
        for d in degraded { out.append("- cycle \(d.cycle), \(d.stage) \(d.outcome): \(Self.md(d.detail))") }
        return out.joined(separator: "\n") + "\n"
    }

    /// Data in Markdown: table pipes and markup characters escaped, line breaks flattened.
    static func md(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|", "*", "_", "`", "[", "]", "<", ">", "\\": out += "\\\(c)"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }
}

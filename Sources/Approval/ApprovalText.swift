import FeedbackLoop
import Foundation
import StateStore

/// What an approval writes: the section appended to the delta file and the commit
/// message, which carries the evidence so `git log` alone explains the change.
enum ApprovalText {
    /// `## 2026-11-25 — proposal 12 (planner)` and the proposal's Markdown, after a
    /// blank line from whatever the file held.
    static func appended(to existing: Data, _ p: StoredProposal, at now: Microseconds) -> Data {
        var text = String(decoding: existing, as: UTF8.self)
        if !text.isEmpty {
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n"
        }
        let date = String(Timestamp.iso8601(now).prefix(10))
        text += "## \(date) — proposal \(p.id) (\(p.proposal.agent))\n\n"
        // Text the simulator wrote is never passed off as a model's, in the agent's file either.
        if p.proposal.author.hasSuffix(", simulated") {
            text += "<!-- drafted by \(PrintableText.safe(p.proposal.author)): ollama-sim's text, not a model's -->\n\n"
        }
        text += p.proposal.markdown.hasSuffix("\n") ? p.proposal.markdown : p.proposal.markdown + "\n"
        return Data(text.utf8)
    }

    /// Log-derived text (function names, the rationale) with control characters
    /// escaped: a newline in a function name must not forge a trailer line.
    static func commitMessage(_ p: StoredProposal, path: String, user: String, content: String) -> String {
        let q = p.proposal
        let safe = { (s: String) in PrintableText.safe(s) }
        var lines = ["consciousness: proposal \(p.id) for the \(q.agent) agent", "",
                     "Appends the approved proposal \(p.id) to \(path).", "",
                     "Confidence: \(Format.percent(q.confidence))",
                     "Rationale: \(safe(q.rationale))", "", "Evidence:"]
        for e in q.evidence {
            let articles = e.articles.isEmpty ? "unclassified" : e.articles.joined(separator: ", ")
            lines.append("- \(safe(e.patternID)) (\(safe(e.function))): \(e.frequency) violations, trend \(e.trend.rawValue), \(safe(articles))")
        }
        lines += ["", "Text written by: \(safe(q.author)); proposed in cycle \(p.createdCycle), last updated in cycle \(p.updatedCycle).",
                  "", "Consciousness-Proposal: \(p.id)", "Consciousness-Content: \(content)", "Approved-by: \(safe(user))"]
        return lines.joined(separator: "\n") + "\n"
    }
}

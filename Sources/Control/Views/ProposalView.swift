import FeedbackLoop
import Foundation
import StateStore

/// A proposal as `proposals list` and `proposals show` print it; with its decision
/// trail for `show`.
public struct ProposalView: Encodable, Sendable {
    var id: Int64
    public var status: ProposalStatus
    var agent: String
    var confidence: Double
    var rationale: String
    var evidence: [Proposal.Evidence]
    var markdown: String
    var author: String
    /// Why the template stands, when a model was asked and its draft was not used.
    var author_note: String?
    /// When a model's draft stands: the template it replaced and the checks it passed.
    var template: String?
    var checks_passed: [String]
    var target_file: String
    var created_cycle: Int64
    var updated_cycle: Int64
    var superseded_by: Int64?
    var decisions: [DecisionView]?
    /// Once approved and merged: what the fix did (the last cycle's measurement).
    var effect: FixEffect?

    public struct DecisionView: Encodable, Sendable {
        var decision: ProposalStatus
        var user: String
        var at: String
        var reason: String?
        var branch: String?
        var commit: String?
        var superseded_by: Int64?
        var peer: String?
    }

    public init(_ s: StoredProposal, decisions: [Decision]? = nil, effect: FixEffect? = nil) {
        self.effect = effect
        let p = s.proposal
        id = s.id
        status = s.status
        agent = p.agent
        confidence = p.confidence
        rationale = p.rationale
        evidence = p.evidence
        markdown = p.markdown
        author = p.author
        author_note = p.authorNote
        template = p.template
        checks_passed = p.checksPassed.map(\.rawValue)
        target_file = p.targetFile
        created_cycle = s.createdCycle
        updated_cycle = s.updatedCycle
        superseded_by = s.supersededBy
        self.decisions = decisions?.map {
            DecisionView(decision: $0.decision, user: $0.user, at: Timestamp.iso8601($0.at), reason: $0.reason,
                         branch: $0.branch, commit: $0.commit, superseded_by: $0.supersededBy, peer: $0.peer)
        }
    }

    public static func json<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(value)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// One line for `list`.
    public var line: String {
        let cycles = created_cycle == updated_cycle ? "cycle \(created_cycle)" : "cycles \(created_cycle)–\(updated_cycle)"
        let replaced = superseded_by.map { " (superseded by #\($0))" } ?? ""
        return "#\(id) \(status.rawValue)\(replaced) \(PrintableText.safe(agent)) — confidence \(Format.percent(confidence)), "
            + "\(cycles) → \(PrintableText.safe(target_file))"
    }

    /// Everything, for `show`.
    public var text: String {
        var out = ["Proposal \(id): \(status.rawValue)" + (superseded_by.map { ", superseded by #\($0)" } ?? "")]
        out.append("Agent: \(PrintableText.safe(agent)) → \(PrintableText.safe(target_file))")
        out.append("Confidence: \(Format.percent(confidence)); text by \(PrintableText.safe(author)); "
                   + "proposed in cycle \(created_cycle), last updated in cycle \(updated_cycle)")
        out.append("Rationale: \(PrintableText.safe(rationale))")
        out += ["", "Evidence:"]
        for e in evidence {
            let articles = e.articles.isEmpty ? "unclassified" : e.articles.joined(separator: ", ")
            out.append("   \(PrintableText.safe(e.patternID)): \(Format.group(e.frequency)) violations, trend \(e.trend.rawValue), "
                       + PrintableText.safe(articles))
        }
        out += ["", "Markdown to add:"]
        out += PrintableText.safe(markdown, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "   " + $0 }
        if out.last == "" { out.removeLast() }
        out += modelLines
        out += ["", "Decisions:"]
        let trail = decisions ?? []
        if trail.isEmpty { out.append("   none yet") }
        for d in trail { out.append("   " + Self.describe(d)) }
        if status == .approved {
            out += ["", "Effect: " + (effect.map(\.summary)
                ?? "not measured yet (the next cycle looks for it on the agency's main line, merged or its heading at HEAD)")]
        }
        if status == .pending {
            out += ["", "Approve: consciousness proposals approve \(id)",
                    "Reject:  consciousness proposals reject \(id) --reason \"…\""]
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// What the model added, or why the template stands.
    var modelLines: [String] {
        if let template {
            var out = ["", "Written by \(PrintableText.safe(author)); it replaced the template after passing these checks:"]
            out += checks_passed.compactMap(DraftGrounding.Check.init(rawValue:)).map { "   ✓ \($0.question)" }
            out += ["", "The draft against the template (- template, + draft):"]
            out += LineDiff.lines(from: PrintableText.safe(template, keepNewlines: true), to: PrintableText.safe(markdown, keepNewlines: true))
                .map { "   " + $0 }
            return out
        }
        return author_note.map { ["", "Template: \(PrintableText.safe($0))"] } ?? []
    }

    static func describe(_ d: DecisionView) -> String {
        var s = "\(d.at) \(d.decision.rawValue) by \(PrintableText.safe(d.user))"
        if let b = d.branch { s += " — branch \(PrintableText.safe(b))" }
        if let c = d.commit { s += ", commit \(PrintableText.safe(c))" }
        if let n = d.superseded_by { s += " — replaced by #\(n)" }
        if let r = d.reason { s += ": \(PrintableText.safe(r))" }
        if let p = d.peer { s += " [\(PrintableText.safe(p))]" }
        return s
    }
}

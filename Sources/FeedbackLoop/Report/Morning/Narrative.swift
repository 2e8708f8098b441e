import Foundation

/// The morning report's few sentences for a person, and the order in which the
/// pending proposals deserve their attention. The template writes it from the
/// figures; a model (the Architect) may replace it — the report says which did.
public struct Narrative: Sendable, Equatable, Codable {
    public var text: String
    /// "template", or the name of the model that wrote it.
    public var author: String
    /// Pending proposal ids, most deserving first.
    public var ranking: [Int64]
    /// Why the template stands when a narrator was asked (nil otherwise).
    public var note: String?

    public init(text: String, author: String, ranking: [Int64], note: String? = nil) {
        self.text = text
        self.author = author
        self.ranking = ranking
        self.note = note
    }

    public static let templateAuthor = "template"

    /// Written from the report's own figures; `report.narrative` is not read.
    public static func template(_ r: MorningReport) -> Narrative {
        Narrative(text: sentences(r).joined(separator: " "), author: templateAuthor, ranking: ranking(r.proposals))
    }

    /// Pending proposals by the priority of their costliest pattern (the cycle report's
    /// order), then by confidence, then by the volume of their evidence, then oldest
    /// first: the order a reviewer should take them in.
    public static func ranking(_ proposals: [MorningReport.PendingProposal]) -> [Int64] {
        proposals.sorted {
            (-($0.priorityRank ?? .max), $0.confidence, $0.evidenceVolume, -$0.id)
                > (-($1.priorityRank ?? .max), $1.confidence, $1.evidenceVolume, -$1.id)
        }.map(\.id)
    }

    /// A narrator's answer, made safe to print: its ranking may only name pending
    /// proposals, each once; any it left out follow in the template's order. An empty
    /// text is no answer (nil: the template stands).
    public static func accepted(_ n: Narrative, for r: MorningReport) -> Narrative? {
        let text = n.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        let pending = Set(r.proposals.map(\.id))
        var seen = Set<Int64>()
        var ranking = n.ranking.filter { pending.contains($0) && seen.insert($0).inserted }
        ranking += Self.ranking(r.proposals).filter { !seen.contains($0) }
        return Narrative(text: text, author: n.author.isEmpty ? "unnamed model" : n.author, ranking: ranking)
    }

    static func sentences(_ r: MorningReport) -> [String] {
        var out: [String] = []
        let c = r.cycles
        var ran = "Overnight \(c.completed) of \(c.scheduled) scheduled cycle\(c.scheduled == 1 ? "" : "s") completed"
        if c.failed + c.interrupted > 0 { ran += " (\(c.failed) failed, \(c.interrupted) interrupted)" }
        out.append(ran + ", ingesting \(Format.group(r.violations.ingested)) new violation\(r.violations.ingested == 1 ? "" : "s").")
        if let top = r.chartedPatterns.first {
            let rising = r.patterns.filter { $0.trend == .increasing || $0.trend == .burst }.map(\.function)
            var s = "\(Format.group(r.violations.occurred)) occurred during the night; \(top.function) led with \(Format.group(top.nightCount))."
            if !rising.isEmpty { s += " Rising or bursting: \(rising.prefix(3).joined(separator: ", "))." }
            out.append(s)
        } else {
            out.append("No violations occurred during the night.")
        }
        if let first = ranking(r.proposals).first, let p = r.proposals.first(where: { $0.id == first }) {
            out.append("\(r.proposals.count) proposal\(r.proposals.count == 1 ? "" : "s") await approval; start with #\(p.id) (\(p.agent), confidence \(Format.percent(p.confidence))).")
        } else {
            out.append("No proposals await approval.")
        }
        if !r.degraded.isEmpty {
            out.append("\(r.degraded.count) stage\(r.degraded.count == 1 ? "" : "s") fell back or failed; see below.")
        }
        return out
    }
}

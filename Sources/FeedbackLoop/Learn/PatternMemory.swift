/// What the Learn stage remembers of a cycle: one entry per pattern (keyed by
/// function, so the hourly cycles update it instead of storing it 24 times a night),
/// one per proposal (keyed by agent), and a learning whenever a pattern's trend turns.
public enum PatternMemory {
    /// The text that is embedded: what the pattern is, not how often it happened this
    /// hour — so it stays the same across cycles and is embedded once.
    public static func entry(for p: Pattern) -> MemoryEntry {
        let articles = p.articlesViolated.isEmpty ? "no article named" : p.articlesViolated.joined(separator: ", ")
        let errors = p.signatures.prefix(3).map(\.signature).joined(separator: "; ")
        let text = "\(p.functionName) (agent \(p.agent)): \(articles). Errors: \(errors). Fix: \(p.fixSuggestion)"
        return MemoryEntry(kind: .pattern, key: p.patternID, text: String(text.prefix(2000)),
                           tags: tags(agent: p.agent, articles: p.articlesViolated) + ["function:\(p.functionName)"],
                           evidence: ["frequency": Double(p.frequency), "trend": trendCode(p.trend)])
    }

    /// Its text names what the proposal is about, not this hour's counts, so it is
    /// embedded again only when its subject changes.
    public static func entry(for proposal: Proposal) -> MemoryEntry {
        let functions = proposal.evidence.map(\.function).sorted().joined(separator: ", ")
        let articles = Array(Set(proposal.evidence.flatMap(\.articles))).sorted()
        let subject = articles.isEmpty ? "no article named" : articles.joined(separator: ", ")
        return MemoryEntry(kind: .proposal, key: "proposal_\(proposal.agent)",
                           text: String("Proposal for the \(proposal.agent) agent on \(functions) (\(subject))".prefix(2000)),
                           tags: tags(agent: proposal.agent, articles: articles),
                           evidence: ["confidence": proposal.confidence])
    }

    /// A learning for each pattern whose trend differs from the one remembered. One
    /// entry per (function, from, to): a trend that flips back and forth updates its
    /// learnings instead of adding one an hour.
    public static func learnings(_ patterns: [Pattern], remembered: [String: [String: Double]], cycle: Int64) -> [MemoryEntry] {
        patterns.compactMap { p in
            guard let before = remembered[p.patternID]?["trend"], before != trendCode(p.trend),
                  let old = Trend.allCases.first(where: { trendCode($0) == before }) else { return nil }
            return MemoryEntry(kind: .learning, key: "trend_\(p.functionName)_\(old.rawValue)_\(p.trend.rawValue)",
                               text: "\(p.functionName) turned from \(old.rawValue) to \(p.trend.rawValue) "
                                   + "(\(p.articlesViolated.isEmpty ? "no article named" : p.articlesViolated.joined(separator: ", ")))",
                               tags: tags(agent: p.agent, articles: p.articlesViolated) + ["function:\(p.functionName)"],
                               evidence: ["from": before, "to": trendCode(p.trend), "frequency": Double(p.frequency),
                                          "cycle": Double(cycle)])
        }
    }

    /// What a person's decision on a proposal teaches: the next proposals for similar
    /// patterns recall it (a rejection's reason above all).
    public static func decision(proposalID: Int64, _ p: Proposal, approved: Bool, reason: String?) -> MemoryEntry {
        let functions = p.evidence.map(\.function).sorted().joined(separator: ", ")
        let articles = Array(Set(p.evidence.flatMap(\.articles))).sorted()
        var text = "A person \(approved ? "approved" : "rejected") proposal \(proposalID) for the \(p.agent) agent on \(functions)"
        if let reason, !reason.isEmpty { text += ": " + PromptText.quote(reason, limit: 300) }
        return MemoryEntry(kind: .learning, key: "decision_\(proposalID)", text: text,
                           tags: tags(agent: p.agent, articles: articles), evidence: ["approved": approved ? 1 : 0])
    }

    static func tags(agent: String, articles: [String]) -> [String] {
        ["agent:\(agent)"] + articles.map { "article:\($0)" }
    }

    public static func trendCode(_ t: Trend) -> Double { Double(Trend.allCases.firstIndex(of: t)!) }
}

/// What the memory recalled for a cycle's patterns: similar past patterns, proposals
/// and learnings, per pattern id.
public struct Recall: Sendable, Equatable {
    public var byPattern: [String: [MemoryHit]]

    public init(byPattern: [String: [MemoryHit]] = [:]) { self.byPattern = byPattern }

    /// Similar enough to lend evidence.
    public static let threshold = 0.5

    /// A model-error prior for each pattern from the errors the model made on similar
    /// patterns (similarity-weighted), where any were recalled.
    public func modelErrorPriors() -> [String: Double] {
        byPattern.compactMapValues { hits in
            let lent = hits.filter { $0.kind == .pattern && $0.similarity >= Self.threshold && $0.evidence["model_error"] != nil }
            let weight = lent.reduce(0) { $0 + $1.similarity }
            guard weight > 0 else { return nil }
            return lent.reduce(0) { $0 + $1.similarity * $1.evidence["model_error"]! } / weight
        }
    }

    /// The entries a proposal for these patterns may lean on, at `threshold` or more:
    /// learnings (a person's decisions above all) first, then similar patterns of other
    /// functions, best three. Proposals themselves are not: another agent's pending
    /// proposal is not a lesson, and recalling this cycle's siblings would change every
    /// proposal's text the cycle after they were made.
    public func forProposal(agent: String, patternIDs: [String]) -> [MemoryHit] {
        var seen = Set<Int64>()
        let hits = patternIDs.flatMap { byPattern[$0] ?? [] }
            .filter { $0.similarity >= Self.threshold && $0.kind != .proposal && !patternIDs.contains($0.key) }
            .sorted { (rank($0), $0.similarity) > (rank($1), $1.similarity) }
        return Array(hits.filter { seen.insert($0.id).inserted }.prefix(3))
    }

    private func rank(_ h: MemoryHit) -> Int { h.kind == .pattern ? 0 : 1 }
}

/// Evolve, template stage: one proposal per agent whose violations persist
/// (`Prioritizer.persistence` of the agent's forecasts: the probability that, without a
/// fix, its violations over the next horizon reach at least half of what its recent
/// rate gives, at least `proposalConfidence`). Its confidence is that probability scaled
/// by the agent's record of measured fixes (`FixRecord`): raised by fixes that worked,
/// lowered by fixes that changed nothing. Proposals come in priority order (the expected
/// cost of the agent's patterns), so the review order is never a tie.
public enum Evolver {
    public static func propose(_ patterns: [Pattern], forecasts: [Forecast], settings: AnalysisSettings = AnalysisSettings(),
                               recall: Recall = Recall(), fixes: [FixEffect] = []) -> [Proposal] {
        let byAgent = Dictionary(grouping: patterns, by: \.agent)
        let forecastByID = Dictionary(forecasts.map { ($0.patternID, $0) }, uniquingKeysWith: { a, _ in a })
        return byAgent.compactMap { agent, patterns -> (Proposal, Double)? in
            let own = patterns.compactMap { forecastByID[$0.patternID] }
            guard !own.isEmpty else { return nil }
            let persistence = Prioritizer.persistence(own)
            guard persistence >= settings.proposalConfidence else { return nil }
            let record = FixRecord(fixes.filter { $0.agent == agent })
            let confidence = min(1, persistence * record.factor)
            let total = patterns.reduce(0) { $0 + $1.frequency }
            let evidence = patterns.map {
                Proposal.Evidence(patternID: $0.patternID, function: $0.functionName, frequency: $0.frequency,
                                  trend: $0.trend, articles: $0.articlesViolated)
            }
            let recalled = recall.forProposal(agent: agent, patternIDs: patterns.map(\.patternID))
            var p = Proposal(agent: agent, confidence: (confidence * 100).rounded() / 100,
                             rationale: rationale(agent, patterns, total) + (record.summary.map { " " + $0 } ?? ""),
                             evidence: evidence,
                             markdown: ProposalTemplate.markdown(agent: agent, patterns: patterns, recalled: recalled),
                             author: "template")
            p.recalled = recalled.map(Proposal.Recalled.init)
            return (p, patterns.reduce(0) { $0 + ($1.priority?.expectedCostUSD ?? 0) })
        }.sorted { ($0.1, $1.0.agent) > ($1.1, $0.0.agent) }.map(\.0)
    }

    static func rationale(_ agent: String, _ patterns: [Pattern], _ total: Int64) -> String {
        let names = patterns.map(\.functionName).joined(separator: ", ")
        let trends = Set(patterns.map(\.trend.rawValue)).sorted().joined(separator: "/")
        return "\(total) violations in \(patterns.count) pattern(s) of the \(agent) agent (\(names)), trend \(trends)."
    }
}

/// The Markdown a proposal adds to an agent's delta file, from rules per article.
public enum ProposalTemplate {
    static let rules: [Int: String] = [
        1: "Before acting, load the complete context the task needs and stop with an explicit error when any of it is missing (Article I).",
        2: "Do not report work as done until its tests exist and pass; create the test infrastructure first when there is none (Article II).",
        3: "Never commit to main; every change goes through a branch and the quality gates (Article III).",
        4: "Record each learning with its evidence so later runs start from it (Article IV).",
        5: "Write or update the spec before the implementation and link them (Article V).",
        6: "Follow Article VI as the constitution states it; review the violations below.",
        7: "Follow Article VII as the constitution states it; review the violations below.",
    ]

    public static func markdown(agent: String, patterns: [Pattern], recalled: [MemoryHit] = []) -> String {
        var articles = ArticleSet()
        for p in patterns { articles.formUnion(ArticleSet(names: p.articlesViolated)) }
        var lines = ["### Constitutional learnings for the \(agent) agent", ""]
        lines.append("Recurring violations observed:")
        for p in patterns {
            let arts = p.articlesViolated.isEmpty ? "unclassified" : p.articlesViolated.joined(separator: ", ")
            // Function names come from the log: one line, no backtick, in the delta file too.
            // No counts: they move every hour, and the text a person approves should change
            // only when what it says changes.
            lines.append("- `\(PromptText.inline(p.functionName))` (\(arts)), trend \(p.trend.rawValue); "
                         + PromptText.inline(p.fixSuggestion, limit: 400))
        }
        lines += ["", "Rules to follow:"]
        let numbered = (1...7).filter { articles.contains(.article($0)) }
        if numbered.isEmpty {
            lines.append("- Review the functions above for constitutional compliance before the next run.")
        }
        for n in numbered { lines.append("- \(rules[n]!)") }
        if !recalled.isEmpty {
            lines += ["", "Related memory (similarity ≥ \(Format.fixed(Recall.threshold, 2))):"]
            for h in recalled { lines.append("- \(h.kind.rawValue) `\(PromptText.inline(h.key))`: \(PromptText.inline(h.text, limit: 2000))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ArticleSet {
    /// From names as `names` writes them (`Article V`).
    public init(names: [String]) {
        self.init()
        for name in names {
            if let i = Self.numerals.firstIndex(where: { "Article \($0)" == name }) { insert(.article(i + 1)) }
        }
    }
}

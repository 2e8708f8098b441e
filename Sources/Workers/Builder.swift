import Cycle
import FeedbackLoop
import Trinity

/// The Builder (the 7B coder): drafts a proposal's Markdown from its evidence and the
/// recalled memory. The draft replaces the template only if it passes the checks.
extension ModelWorkers {
    public func draft(_ proposal: Proposal, patterns: [Pattern], recalled: [MemoryHit]) async -> ModelAnswer<String> {
        let (system, user) = ProposalDraft.prompt(proposal, patterns: patterns, recalled: recalled)
        let sources = patterns.flatMap { $0.signatures.map(\.signature) }
        return await call(.builder, stage: .evolve) { lease throws(OllamaError) in
            let c = try await client.chat(lease, [.init(role: "system", content: system), .init(role: "user", content: user)])
            if let cut = Self.cutOff(c, "Builder") { return (.unusable(cut), c.metrics) }
            if let problem = ProposalDraft.problem(c.text, sources: sources) {
                return (.unusable("Builder draft rejected: \(problem); template used"), c.metrics)
            }
            return (.value(c.text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"), c.metrics)
        }
    }
}

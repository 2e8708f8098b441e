import Cycle
import FeedbackLoop
import Trinity

/// The Builder (the 7B coder): drafts a proposal's Markdown from its evidence and the
/// recalled memory. The draft replaces the template only if it passes the checks: safe
/// to show (`ProposalDraft.problem`), then grounded in what it was shown
/// (`DraftGrounding`); the first check it fails is the reason the template stands.
extension ModelWorkers {
    public func draft(_ proposal: Proposal, patterns: [Pattern], recalled: [MemoryHit]) async -> ModelAnswer<String> {
        let (system, user) = ProposalDraft.prompt(proposal, patterns: patterns, recalled: recalled)
        let sources = patterns.flatMap { $0.signatures.map(\.signature) }
        let evidence = ProposalDraft.evidence(proposal, patterns: patterns, prompt: user)
        return await call(.builder, stage: .evolve) { lease throws(OllamaError) in
            let c = try await client.chat(lease, [.init(role: "system", content: system), .init(role: "user", content: user)],
                                          maxTokens: ProposalDraft.maxTokens)
            if let cut = Self.cutOff(c, "Builder") { return (.unusable(cut), c.metrics) }
            if let reason = ProposalDraft.review(c.text, sources: sources, evidence: evidence) {
                return (.unusable("Builder draft \(reason); template used"), c.metrics)
            }
            return (.value(c.text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"), c.metrics)
        }
    }
}

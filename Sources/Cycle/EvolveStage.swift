import FeedbackLoop
import StateStore

/// Evolve: proposals from the patterns and what the memory recalled; the Builder
/// drafts each one's Markdown, and the template stands wherever its draft does not.
extension CycleRunner {
    func evolve(_ a: Analysis, recall: Recall, cycle: Int64, o: CycleOptions,
                session: inout ModelSession) async throws -> ([ProposalRecord], StageOutcome) {
        let start = ContinuousClock.now
        var proposals = Evolver.propose(a.patterns, settings: o.settings, recall: recall)
        // A pending proposal about the same patterns keeps the Builder's draft: the model
        // is asked again only when the subject changes, not every hour.
        let drafts = Dictionary(try store.pendingProposals().filter { $0.proposal.author != "template" }
            .map { ($0.proposal.agent, $0.proposal) }, uniquingKeysWith: { a, _ in a })
        var drafted = 0, fellBack = 0, kept = 0
        var stopped: String?
        for i in proposals.indices {
            try Task.checkCancellation()
            // First, whatever the models' state: a draft is not lost to an outage.
            if let old = drafts[proposals[i].agent], Set(old.evidence.map(\.patternID)) == Set(proposals[i].evidence.map(\.patternID)) {
                proposals[i].markdown = old.markdown
                proposals[i].author = old.author
                kept += 1
                continue
            }
            guard let models = session.models, session.unavailable == nil else { continue }
            if let stopped {
                proposals[i].authorNote = "Builder unavailable (\(stopped))"
                fellBack += 1
                continue
            }
            let patterns = a.patterns.filter { $0.agent == proposals[i].agent }
            let hits = recall.forProposal(agent: proposals[i].agent, patternIDs: patterns.map(\.patternID))
            let answer = await models.draft(proposals[i], patterns: patterns, recalled: hits)
            if let markdown = session.record(answer) {
                proposals[i].markdown = markdown
                proposals[i].author = answer.call.model
                drafted += 1
            } else {
                proposals[i].authorNote = answer.call.fallbackReason ?? "no draft"
                fellBack += 1
                if answer.roleUnavailable { stopped = answer.call.fallbackReason }
            }
        }
        let records = try store.upsertPending(proposals, cycle: cycle)
        _ = try store.remember(proposals.map(PatternMemory.entry(for:)), cycle: cycle, at: o.now)
        var detail = "\(records.count) proposal(s)"
        var kind = StageOutcome.Outcome.ok
        if let why = session.unavailable, !proposals.isEmpty {
            detail += ": \(proposals.count - kept) from the template (\(why)), \(kept) Builder draft(s) kept"
            kind = session.models == nil || kept == proposals.count ? .ok : .degraded
        } else if !proposals.isEmpty {
            detail += ": \(drafted) drafted by the Builder, \(kept) Builder draft(s) kept, \(fellBack) from the template"
            if fellBack > 0 {
                kind = .degraded
                let reasons = Set(proposals.compactMap(\.authorNote)).sorted().joined(separator: "; ")
                detail += " (\(reasons))"
            }
        }
        detail += "; none applied"
        return (records, StageOutcome(stage: "evolve", outcome: kind, detail: detail,
                                      milliseconds: (ContinuousClock.now - start).milliseconds))
    }
}

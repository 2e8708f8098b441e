import FeedbackLoop
import StateStore

/// Evolve: proposals from the patterns and what the memory recalled; the Builder
/// drafts each one's Markdown, and the template stands wherever its draft does not.
/// Nothing is stored here: the proposals are recorded with the cycle, in Report's
/// transaction, and never applied — a person approves.
extension CycleRun {
    func evolve(_ a: Analyzed, _ predicted: Predicted, _ learned: Learned) async throws -> [Proposal] {
        try await stage(.evolve, Stage.evolve.gerund) {
            var proposals = Evolver.propose(predicted.patterns, forecasts: predicted.forecasts, settings: o.settings,
                                            recall: learned.recall, fixes: a.fixes)
            // A pending proposal about the same patterns keeps the Builder's draft: the model
            // is asked again only when the subject changes, not every hour.
            let drafts = Dictionary(try store.pendingDrafts().map { ($0.agent, $0) }, uniquingKeysWith: { a, _ in a })
            var drafted = 0, fellBack = 0, kept = 0
            for i in proposals.indices {
                try Task.checkCancellation()
                // First, whatever the models' state: a draft is not lost to an outage.
                // Only a draft that passed the grounding checks is kept (one stored before
                // they existed is drafted again).
                if let old = drafts[proposals[i].agent], !old.checksPassed.isEmpty,
                   Set(old.evidence.map(\.patternID)) == Set(proposals[i].evidence.map(\.patternID)) {
                    proposals[i].markdown = old.markdown
                    proposals[i].author = old.author
                    proposals[i].template = old.template
                    proposals[i].checksPassed = old.checksPassed
                    kept += 1
                    continue
                }
                guard session.unavailable == nil else { continue }
                guard let models = session.available(.builder) else {
                    proposals[i].authorNote = "Builder unavailable (\(session.reason(.builder) ?? "?"))"
                    fellBack += 1
                    continue
                }
                let patterns = predicted.patterns.filter { $0.agent == proposals[i].agent }
                let hits = learned.recall.forProposal(agent: proposals[i].agent, patternIDs: patterns.map(\.patternID))
                let answer = await models.draft(proposals[i], patterns: patterns, recalled: hits)
                if let markdown = session.record(answer, .builder) {
                    proposals[i].template = proposals[i].markdown
                    proposals[i].checksPassed = DraftGrounding.Check.allCases
                    proposals[i].markdown = markdown
                    proposals[i].author = answer.call.modelShown
                    drafted += 1
                } else {
                    proposals[i].authorNote = answer.call.fallbackReason ?? "no draft"
                    fellBack += 1
                }
            }
            var detail = "\(proposals.count) proposal(s)"
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
            return StageResult(value: proposals, outcome: kind, detail: detail)
        }
    }
}

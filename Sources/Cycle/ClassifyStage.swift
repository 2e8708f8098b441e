import FeedbackLoop
import StateStore

/// Classify: the Controller reads the error texts the rules could not map to an
/// article. Each signature goes to the model once, ever: every answer is cached,
/// usable or not; only a call that got no answer is tried again next cycle.
extension CycleRunner {
    static let classificationsPerCycle = 32

    struct Classified {
        var answers: [String: Classification]
        var changed: Bool
    }

    func classify(_ a: Analysis, rows: [BucketRow], cached: [String: Classification], o: CycleOptions,
                  session: inout ModelSession) async throws -> (Classified, StageOutcome) {
        let start = ContinuousClock.now
        let todo = a.unclassifiedSignatures.filter { cached[$0] == nil }
        var result = Classified(answers: cached, changed: false)
        func outcome(_ kind: StageOutcome.Outcome, _ detail: String) -> StageOutcome {
            StageOutcome(stage: "classify", outcome: kind, detail: detail, milliseconds: (ContinuousClock.now - start).milliseconds)
        }
        let already = a.unclassifiedSignatures.count - todo.count
        guard !todo.isEmpty else {
            return (result, outcome(.ok, "no new unclassified signatures (\(cached.count) answered earlier)"))
        }
        guard let models = session.models, session.unavailable == nil else {
            let why = session.unavailable ?? "no model client"
            let kind: StageOutcome.Outcome = session.models == nil ? .skipped : .degraded
            return (result, outcome(kind, "\(why): \(todo.count) signature(s) left unclassified (rules only)"))
        }
        let functionOf = Dictionary(rows.map { ($0.signature, $0.function) }, uniquingKeysWith: { a, _ in a })
        var fresh: [String: Classification] = [:]
        var failed = 0, invalid = 0
        var stopped: String?
        for signature in todo.prefix(Self.classificationsPerCycle) {
            try Task.checkCancellation()
            let answer = await models.classify(signature: signature, function: functionOf[signature] ?? "")
            guard let c = session.record(answer) else {
                failed += 1
                if answer.roleUnavailable {
                    stopped = answer.call.fallbackReason
                    break
                }
                continue
            }
            fresh[signature] = c
            if !c.valid { invalid += 1 }
        }
        try store.saveClassifications(fresh, at: o.now)
        result.answers.merge(fresh) { $1 }
        result.changed = fresh.values.contains { $0.valid && $0.article != nil }
        let named = fresh.values.filter { $0.valid && $0.article != nil }.count
        var detail = "\(fresh.count) signature(s) classified by the Controller (\(named) mapped to an article)"
        if already > 0 { detail += ", \(already) answered earlier" }
        let left = todo.count - fresh.count
        if invalid > 0 { detail += "; \(invalid) answer(s) failed validation: left unclassified (rules only)" }
        if let stopped { detail += "; Controller unavailable (\(stopped)): \(left) left unclassified (rules only)" }
        else if failed > 0 { detail += "; \(failed) call(s) failed: retried next cycle (rules only)" }
        if todo.count > Self.classificationsPerCycle, stopped == nil {
            detail += "; \(todo.count - Self.classificationsPerCycle) more next cycle"
        }
        return (result, outcome(invalid + failed > 0 ? .degraded : .ok, detail))
    }
}

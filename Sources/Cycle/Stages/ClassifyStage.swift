import FeedbackLoop
import StateStore

/// Classify: the Controller reads the error texts the rules could not map to an
/// article. Each signature goes to the model once, ever: every answer is cached,
/// usable or not; only a call that got no answer is tried again next cycle.
extension CycleRun {
    static let classificationsPerCycle = 32

    func classify(_ a: Analyzed) async throws -> Analyzed {
        let unclassified = a.analysis.unclassifiedSignatures
        return try await stage(.classify, "\(Stage.classify.gerund) \(unclassified.count) unclassified signatures") {
            let todo = unclassified.filter { a.classified[$0] == nil }
            let already = unclassified.count - todo.count
            guard !todo.isEmpty else {
                return StageResult(value: a, detail: "no new unclassified signatures (\(a.classified.count) answered earlier)")
            }
            guard let models = session.available(.controller) else {
                let why = session.reason(.controller) ?? "no model client"
                return StageResult(value: a, outcome: session.models == nil ? .skipped : .degraded,
                                   detail: "\(why): \(todo.count) signature(s) left unclassified (rules only)")
            }
            let functionOf = Dictionary(a.rows.map { ($0.signature, $0.function) }, uniquingKeysWith: { a, _ in a })
            var fresh: [String: Classification] = [:]
            var failed = 0, invalid = 0
            for signature in todo.prefix(Self.classificationsPerCycle) {
                try Task.checkCancellation()
                guard session.available(.controller) != nil else { break }
                let answer = await models.classify(signature: signature, function: functionOf[signature] ?? "")
                guard let c = session.record(answer, .controller) else {
                    failed += 1
                    continue
                }
                fresh[signature] = c
                if !c.valid { invalid += 1 }
            }
            if !fresh.isEmpty { try store.saveClassifications(fresh, at: o.now) }
            var answers = a.classified
            answers.merge(fresh) { $1 }
            // An answer that names an article changes the patterns: analyse again.
            let named = fresh.values.filter { $0.valid && $0.article != nil }.count
            var value = a
            if named > 0 { value = try analyzeNow(classified: answers) }
            value.classified = answers
            value.fixes = a.fixes
            var detail = "\(fresh.count) signature(s) classified by the Controller (\(named) mapped to an article)"
            if already > 0 { detail += ", \(already) answered earlier" }
            let left = todo.count - fresh.count
            if invalid > 0 { detail += "; \(invalid) answer(s) failed validation: left unclassified (rules only)" }
            if let stopped = session.reason(.controller) {
                detail += "; Controller unavailable (\(stopped)): \(left) left unclassified (rules only)"
            } else if failed > 0 {
                detail += "; \(failed) call(s) failed: retried next cycle (rules only)"
            }
            if todo.count > Self.classificationsPerCycle, session.reason(.controller) == nil {
                detail += "; \(todo.count - Self.classificationsPerCycle) more next cycle"
            }
            return StageResult(value: value, outcome: invalid + failed > 0 ? .degraded : .ok, detail: detail)
        }
    }
}

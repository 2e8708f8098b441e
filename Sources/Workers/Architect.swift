import Cycle
import FeedbackLoop
import Trinity

/// The Architect (the 22B planner), once a night: ranks the pending proposals and
/// writes the morning report's narrative. Its model is the largest, so it runs alone
/// at the report, after the night's cycles, never inside one.
extension ModelWorkers {
    static func planSchema(_ pending: [Int64]) -> JSONValue {
        .object([
            "type": .string("object"),
            "properties": .object([
                "ranking": .object(["type": .string("array"),
                                    "items": .object(["type": .string("integer"),
                                                      "enum": .array(pending.map { .number(Double($0)) })])]),
                "summary": .object(["type": .string("string"), "maxLength": .number(Double(NightPlan.summaryLimit))]),
            ]),
            "required": .array([.string("ranking"), .string("summary")]),
        ])
    }

    public func plan(pending: [ProposalRecord], facts: [String]) async -> ModelAnswer<NightPlan> {
        let ids = pending.map(\.id)
        let (system, user) = NightPlan.prompt(pending: pending, facts: facts)
        return await call(.architect, stage: "morning") { lease throws(OllamaError) in
            let c = try await client.chat(lease, [.init(role: "system", content: system), .init(role: "user", content: user)],
                                          format: Self.planSchema(ids))
            switch NightPlan.validate(c.text, pending: ids) {
            case .success(let plan): return (.value(plan), c.metrics)
            case .failure(let problem): return (.unusable("Architect answer rejected: \(problem); template used"), c.metrics)
            }
        }
    }
}

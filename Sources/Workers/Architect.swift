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

    /// `report`: the night's figures the narrative is checked against (`NarrativeCheck`);
    /// nil checks the plan's form only.
    public func plan(pending: [NightPlan.Item], facts: [String], report: MorningReport? = nil) async -> ModelAnswer<NightPlan> {
        let ids = pending.map(\.id)
        let (system, user) = NightPlan.prompt(pending: pending, facts: facts)
        return await call(.architect, stage: .morning) { lease throws(OllamaError) in
            // A 1,200-character summary and a ranking: well under 1,024 tokens.
            let c = try await client.chat(lease, [.init(role: "system", content: system), .init(role: "user", content: user)],
                                          format: Self.planSchema(ids), maxTokens: 1024)
            if let cut = Self.cutOff(c, "Architect") { return (.unusable(cut), c.metrics) }
            switch NightPlan.validate(c.text, pending: ids) {
            case .success(let plan):
                if let report, let problem = NarrativeCheck.problem(plan.summary, report) {
                    return (.unusable("Architect narrative refused: \(problem); template used"), c.metrics)
                }
                return (.value(plan), c.metrics)
            case .failure(let problem): return (.unusable("Architect answer rejected: \(problem); template used"), c.metrics)
            }
        }
    }
}

extension ModelWorkers {
    /// The morning report's narrator: the Architect's ranking and summary, or — when it
    /// cannot answer or its answer fails the checks — an empty narrative whose note says
    /// why, so the template stands and the report says so. With `remote`
    /// (AGENCY_MODE=hybrid), a local Architect that cannot serve — not reachable, not
    /// pulled, refused by the governor, or its answer refused — hands the same prompt to
    /// the remote one, within the night's cap.
    public func narrator(remote: RemoteArchitect? = nil) -> Narrator {
        { report in
            let items = report.proposals.map {
                NightPlan.Item(id: $0.id, agent: $0.agent, confidence: $0.confidence,
                               about: "\($0.evidenceVolume) violations in \($0.patterns.joined(separator: ", "))")
            }
            let facts = [report.narrative.text]
            let local = await localPlan(items, facts: facts, report: report)
            if case .success(let n) = local { return n }
            let why = local.failureNote
            guard let remote else {
                return Narrative(text: "", author: models[.architect] ?? "architect", ranking: [], note: why)
            }
            let (plan, note) = await remote.plan(pending: items, facts: facts, report: report)
            guard let plan else {
                return Narrative(text: "", author: remote.shownName, ranking: [], note: "\(why); \(note)")
            }
            return Narrative(text: plan.summary, author: remote.shownName, ranking: plan.ranking)
        }
    }

    /// The local Architect's narrative, or why it has none.
    private func localPlan(_ items: [NightPlan.Item], facts: [String], report: MorningReport) async -> Result<Narrative, LocalRefusal> {
        if let down = await begin() { return .failure(LocalRefusal(note: "Architect not asked: \(down)")) }
        let answer = await plan(pending: items, facts: facts, report: report)
        _ = await end()  // the 22B's night is over: its memory goes back now
        guard let plan = answer.value else {
            return .failure(LocalRefusal(note: answer.call.fallbackReason ?? "Architect gave no answer"))
        }
        return .success(Narrative(text: plan.summary, author: answer.call.modelShown, ranking: plan.ranking))
    }

    struct LocalRefusal: Error { let note: String }
}

private extension Result where Failure == ModelWorkers.LocalRefusal {
    var failureNote: String { if case .failure(let f) = self { f.note } else { "" } }
}

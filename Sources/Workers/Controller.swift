import Cycle
import FeedbackLoop
import Trinity

/// The Controller (the 1.5B scanner): classifies an error text the rules could not
/// map, constrained by a JSON schema and validated after.
extension ModelWorkers {
    static let classificationSchema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "article": .object(["type": .string("string"),
                                "enum": .array((Classification.articles.map(\.name) + [Classification.none]).map(JSONValue.string))]),
            "category": .object(["type": .string("string"), "enum": .array(Classification.categories.map(JSONValue.string))]),
            "summary": .object(["type": .string("string"), "maxLength": .number(Double(Classification.summaryLimit))]),
        ]),
        "required": .array([.string("article"), .string("category"), .string("summary")]),
    ])

    public func classify(signature: String, function: String) async -> ModelAnswer<Classification> {
        let (system, user) = Classification.prompt(signature: signature, function: function)
        return await call(.controller, stage: .classify) { lease throws(OllamaError) in
            let c = try await client.chat(lease, [.init(role: "system", content: system), .init(role: "user", content: user)],
                                          format: Self.classificationSchema, maxTokens: 256)
            // The model credited with it, marked when the simulator answered.
            let answer = Classification.validate(c.text, model: c.metrics.simulated == true ? "\(lease.model), simulated" : lease.model)
            // An invalid answer is still an answer: cached, so never asked again.
            return (.value(answer), c.metrics)
        }
    }
}

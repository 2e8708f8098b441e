import FeedbackLoop
import GRDB

/// The Controller's answers, cached by signature so that a signature is sent to a
/// model once, ever — whether its answer was usable or not.
extension StateStore {
    /// Every cached answer, by signature.
    public func classifications() throws -> [String: Classification] {
        try reading { db in
            var out: [String: Classification] = [:]
            for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM classifications")) {
                out[r["signature"]] = Classification(article: r["article"], category: r["category"], summary: r["summary"],
                                                     valid: r["valid"], model: r["model"])
            }
            return out
        }
    }

    public func saveClassifications(_ answers: [String: Classification], at now: Microseconds) throws {
        try writing { db in
            for (signature, c) in answers {
                try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO classifications (signature, article, category, summary, valid, model, created_us)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [signature, c.article, c.category, c.summary, c.valid, c.model, now])
            }
        }
    }
}

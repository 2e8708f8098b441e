import Testing
@testable import FeedbackLoop

@Suite struct VectorMemoryTests {
    @Test func hashedEmbedderIsDeterministicAndSeesSharedWords() {
        let e = HashedEmbedder()
        let a = e.embed("execute_task_with_context: Article I violated, context missing")
        #expect(a == e.embed("execute_task_with_context: Article I violated, context missing"))
        #expect(a.count == HashedEmbedder.dimensions)
        let norm = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-4)
        func cos(_ x: [Float], _ y: [Float]) -> Float { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        let near = e.embed("executeTaskWithContext: Article I, the context is missing")
        let far = e.embed("merge without review of PR 12 on the release branch")
        #expect(cos(a, near) > 0.5 && cos(a, far) < 0.3, "\(cos(a, near)) \(cos(a, far))")
        #expect(HashedEmbedder.words("snake_case camelCaseWord X9") == ["snake", "case", "camel", "case", "word", "x9"])
    }

    /// Top-k over a random matrix equals a brute-force sort; tag and kind filters and
    /// exclusions hold; a vector of another length is refused.
    @Test func indexSearchEqualsBruteForce() {
        var rng = SystemRandomNumberGenerator()
        var index = VectorIndex(embedder: "test", dimensions: 16)
        var rows: [(Int64, [Float], [String], MemoryEntry.Kind)] = []
        for i in 0..<500 {
            let v = Vector.normalized((0..<16).map { _ in Float.random(in: -1...1, using: &rng) })!
            let tags = i % 3 == 0 ? ["agent:a", "article:Article I"] : ["agent:b"]
            let kind: MemoryEntry.Kind = i % 5 == 0 ? .learning : .pattern
            rows.append((Int64(i), v, tags, kind))
            let added = index.add(id: Int64(i), kind: kind, key: "k\(i)", tags: tags, vector: v)
            #expect(added)
        }
        let wrongLength = index.add(id: 999, kind: .pattern, key: "bad", tags: [], vector: [1, 0])
        #expect(!wrongLength)
        let q = Vector.normalized((0..<16).map { _ in Float.random(in: -1...1, using: &rng) })!
        func dot(_ v: [Float]) -> Float { zip(v, q).reduce(0) { $0 + $1.0 * $1.1 } }
        let brute = rows.sorted { dot($0.1) > dot($1.1) }.prefix(5).map(\.0)
        #expect(index.search(q, k: 5).map(\.id) == Array(brute))
        let tagged = rows.filter { $0.2.contains("agent:a") && $0.3 == .learning }.sorted { dot($0.1) > dot($1.1) }.prefix(3).map(\.0)
        #expect(index.search(q, k: 3, tags: ["agent:a"], kinds: [.learning]).map(\.id) == Array(tagged))
        let top = brute[0]
        #expect(!index.search(q, k: 5, excluding: ["k\(top)"]).map(\.id).contains(top))
        #expect(index.search(q, k: 5, tags: ["agent:none"]).isEmpty)
        #expect(index.search([1, 0], k: 5).isEmpty)
    }

    @Test func vectorBytesRoundTrip() {
        let v: [Float] = [0, 1, -1, .pi, 1e-30, -3.5e12]
        #expect(Vector.floats(Vector.bytes(v)) == v)
    }

    /// Recall lends the model error of similar patterns only, weighted by similarity.
    @Test func recallPriorsAndProposalMemory() {
        let hit = { (id: Int64, kind: MemoryEntry.Kind, key: String, sim: Double, err: Double?) in
            MemoryHit(id: id, kind: kind, key: key, text: key, similarity: sim, evidence: err.map { ["model_error": $0] } ?? [:])
        }
        let recall = Recall(byPattern: [
            "pattern_a": [hit(1, .pattern, "pattern_b", 0.9, 0.2), hit(2, .pattern, "pattern_c", 0.6, 0.5),
                          hit(3, .pattern, "pattern_d", 0.2, 0.9), hit(4, .learning, "trend_x", 0.7, nil),
                          hit(5, .proposal, "proposal_agent_a", 0.95, nil)],
            "pattern_z": [hit(3, .pattern, "pattern_d", 0.4, 0.9)],
        ])
        let priors = recall.modelErrorPriors()
        #expect(abs(priors["pattern_a"]! - (0.9 * 0.2 + 0.6 * 0.5) / 1.5) < 1e-9)
        #expect(priors["pattern_z"] == nil)
        let used = recall.forProposal(agent: "agent_a", patternIDs: ["pattern_a"])
        #expect(used.map(\.id) == [4, 1, 2])  // learnings first; its own pending proposal is not a memory
    }
}

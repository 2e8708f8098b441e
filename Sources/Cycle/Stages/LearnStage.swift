import FeedbackLoop
import StateStore

/// What Learn left for the stages after it: what the memory recalled for each
/// pattern, and how the memory grew.
struct Learned {
    var recall: Recall
    var growth: MemoryGrowth
}

/// Learn: the cycle's patterns, their trend changes and the people's decisions into the
/// vector memory; then what the memory recalls for each pattern, for Predict and Evolve.
extension CycleRun {
    static let recallPerPattern = 5
    static let embedBatch = 64
    static let embedPerCycle = 1024

    func learn(_ a: Analyzed) async throws -> Learned {
        let patterns = a.analysis.patterns
        return try await stage(.learn, "\(Stage.learn.gerund) \(patterns.count) patterns") {
            let embedderID = session.models?.embedderID
            var note: String?
            let (added, updated, embedder, index): (Int64, Int64, String, VectorIndex)
            if let embedderID {
                let pending: [(id: Int64, text: String)]
                (added, updated, pending) = try store.batch {
                    let (added, updated) = try remember(patterns)
                    let pending = session.available(.embedder) == nil ? []
                        : try store.entriesNeedingVectors(embedder: embedderID, limit: Self.embedPerCycle)
                    return (added, updated, pending)
                }
                let model = try await embed(pending, embedderID, note: &note)
                if let model { (embedder, index) = (embedderID, model) } else { (embedder, index) = (HashedEmbedder.id, try hashedIndexInMemory()) }
            } else {
                // The hashed embedder by configuration: remembered, embedded and indexed
                // in one transaction.
                (added, updated, index) = try store.batch {
                    let (added, updated) = try remember(patterns)
                    let hashed = HashedEmbedder()
                    let pending = try store.entriesNeedingVectors(embedder: HashedEmbedder.id, limit: Self.embedPerCycle)
                    try store.storeVectors(pending.map { ($0.id, hashed.embed($0.text)) }, embedder: HashedEmbedder.id)
                    return (added, updated, try store.memoryIndex(embedder: HashedEmbedder.id))
                }
                embedder = HashedEmbedder.id
            }
            var recall = Recall()
            let searched = patterns.compactMap { p in
                index.vector(forKey: p.patternID).map { (p.patternID, index.search($0, k: Self.recallPerPattern, excluding: [p.patternID])) }
            }
            for (pattern, hits) in zip(searched.map(\.0), try store.memoryHits(of: searched.map(\.1))) {
                recall.byPattern[pattern] = hits
            }
            let stats = try store.memoryStats()
            let growth = MemoryGrowth(entries: stats.entries, bytes: stats.bytes, added: added, updated: updated, embedder: embedder)
            let recalled = recall.byPattern.values.reduce(0) { $0 + $1.count }
            var detail = "\(stats.entries) entries (\(added) new, \(updated) updated), \(Format.bytes(stats.bytes)); "
                + "embedder \(embedder); \(recalled) recalled for \(recall.byPattern.count) pattern(s)"
            if let note { detail += "; embedding model unavailable (\(note)): local hashed embedder used" }
            return StageResult(value: Learned(recall: recall, growth: growth),
                               outcome: note != nil && session.models != nil ? .degraded : .ok, detail: detail)
        }
    }

    /// Each approved or rejected proposal, as a learning (updated in place each cycle).
    private func decisionLearnings() throws -> [MemoryEntry] {
        try (store.proposals(status: .approved) + store.proposals(status: .rejected)).map { stored in
            let reason = try store.decisions(proposal: stored.id).last?.reason
            return PatternMemory.decision(proposalID: stored.id, stored.proposal, approved: stored.status == .approved,
                                          reason: reason)
        }
    }

    private func remember(_ patterns: [Pattern]) throws -> (added: Int64, updated: Int64) {
        let remembered = try store.memoryEvidence(kind: .pattern)
        let entries = patterns.map(PatternMemory.entry(for:))
            + PatternMemory.learnings(patterns, remembered: remembered, cycle: cycle) + (try decisionLearnings())
        return try store.remember(entries, cycle: cycle, at: o.now)
    }

    /// Vectors from the embedding model for the entries lacking one, and that model's
    /// index; nil (with `note` saying why) when it did not answer. What was embedded
    /// before a failure is kept.
    private func embed(_ pending: [(id: Int64, text: String)], _ embedderID: String,
                       note: inout String?) async throws -> VectorIndex? {
        guard let models = session.available(.embedder) else {
            note = session.reason(.embedder) ?? "no embedder"
            return nil
        }
        var vectors: [(id: Int64, vector: [Float])] = []
        for start in stride(from: 0, to: pending.count, by: Self.embedBatch) {
            try Task.checkCancellation()
            let batch = pending[start..<min(start + Self.embedBatch, pending.count)]
            let answer = await models.embed(batch.map(\.text))
            guard let v = session.record(answer, .embedder), v.count == batch.count else {
                note = answer.call.fallbackReason ?? "embedding model gave \(answer.value?.count ?? 0) vectors for \(batch.count) texts"
                break
            }
            vectors += zip(batch.map(\.id), v).map { ($0, $1) }
        }
        let failed = note != nil
        if vectors.isEmpty { return failed ? nil : try store.memoryIndex(embedder: embedderID) }
        return try store.batch {
            try store.storeVectors(vectors, embedder: embedderID)
            return failed ? nil : try store.memoryIndex(embedder: embedderID)
        }
    }

    /// The fallback for a model that did not answer: the hashed embedder's index made
    /// in memory for every entry, so an outage never replaces the model's stored vectors.
    private func hashedIndexInMemory() throws -> VectorIndex {
        let hashed = HashedEmbedder()
        var index = VectorIndex(embedder: HashedEmbedder.id, dimensions: HashedEmbedder.dimensions)
        for e in try store.memoryTexts() {
            index.add(id: e.id, kind: e.kind, key: e.key, tags: e.tags, vector: hashed.embed(e.text))
        }
        return index
    }
}

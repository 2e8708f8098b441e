import FeedbackLoop
import StateStore

/// Learn: the cycle's patterns, their trend changes, into the vector memory; then
/// what the memory recalls for each pattern, for Predict and Evolve.
extension CycleRunner {
    static let recallPerPattern = 5
    static let embedBatch = 64
    static let embedPerCycle = 1024

    func learn(_ a: Analysis, cycle: Int64, o: CycleOptions,
               session: inout ModelSession) async throws -> ((Recall, MemoryGrowth), StageOutcome) {
        let start = ContinuousClock.now
        let remembered = try store.memoryEvidence(kind: .pattern)
        let entries = a.patterns.map(PatternMemory.entry(for:))
            + PatternMemory.learnings(a.patterns, remembered: remembered, cycle: cycle)
            + (try decisionLearnings())
        let (added, updated) = try store.remember(entries, cycle: cycle, at: o.now)
        let (embedder, note, index) = try await embedPending(&session)
        var recall = Recall()
        for p in a.patterns {
            guard let q = index.vector(forKey: p.patternID) else { continue }
            let matches = index.search(q, k: Self.recallPerPattern, excluding: [p.patternID])
            recall.byPattern[p.patternID] = try store.memoryHits(matches)
        }
        let stats = try store.memoryStats()
        let growth = MemoryGrowth(entries: stats.entries, bytes: stats.bytes, added: added, updated: updated, embedder: embedder)
        let recalled = recall.byPattern.values.reduce(0) { $0 + $1.count }
        var detail = "\(stats.entries) entries (\(added) new, \(updated) updated), \(Format.bytes(stats.bytes)); "
            + "embedder \(embedder); \(recalled) recalled for \(recall.byPattern.count) pattern(s)"
        if let note { detail += "; \(note)" }
        let degraded = note != nil && session.models != nil
        return ((recall, growth), StageOutcome(stage: "learn", outcome: degraded ? .degraded : .ok, detail: detail,
                                               milliseconds: (ContinuousClock.now - start).milliseconds))
    }

    /// Each approved or rejected proposal, as a learning (updated in place each cycle).
    private func decisionLearnings() throws -> [MemoryEntry] {
        try (store.proposals(status: .approved) + store.proposals(status: .rejected)).map { stored in
            let reason = try store.decisions(proposal: stored.id).last?.reason
            return PatternMemory.decision(proposalID: stored.id, stored.proposal, approved: stored.status == .approved,
                                          reason: reason)
        }
    }

    /// Gives every entry lacking one a vector from the embedding model and returns
    /// that embedder's index. The local hashed embedder's vectors are stored only when it
    /// is the configured one; as a fallback (the model did not answer) it indexes every
    /// entry in memory for this cycle, so the model's stored vectors are not replaced by
    /// an outage. The note says why a fallback was needed.
    private func embedPending(_ session: inout ModelSession) async throws -> (String, String?, VectorIndex) {
        guard let models = session.models, let embedderID = models.embedderID else { return try hashedIndex(stored: true) }
        var why = session.unavailable
        if why == nil {
            let pending = try store.entriesNeedingVectors(embedder: embedderID, limit: Self.embedPerCycle)
            var vectors: [(id: Int64, vector: [Float])] = []
            for batch in stride(from: 0, to: pending.count, by: Self.embedBatch).map({ pending[$0..<min($0 + Self.embedBatch, pending.count)] }) {
                try Task.checkCancellation()
                let answer = await models.embed(batch.map(\.text))
                guard let v = session.record(answer), v.count == batch.count else {
                    why = answer.call.fallbackReason ?? "embedding model gave \(answer.value?.count ?? 0) vectors for \(batch.count) texts"
                    break
                }
                vectors += zip(batch.map(\.id), v).map { ($0, $1) }
            }
            try store.storeVectors(vectors, embedder: embedderID)  // what was embedded is kept, even after a failure
            if why == nil { return (embedderID, nil, try store.memoryIndex(embedder: embedderID)) }
        }
        let (id, _, index) = try hashedIndex(stored: false)
        return (id, "embedding model unavailable (\(why ?? "?")): local hashed embedder used", index)
    }

    /// The hashed embedder's index: from stored vectors (made now for the entries that
    /// lack one), or, as a fallback, made in memory for every entry.
    private func hashedIndex(stored: Bool) throws -> (String, String?, VectorIndex) {
        let hashed = HashedEmbedder()
        if stored {
            let pending = try store.entriesNeedingVectors(embedder: HashedEmbedder.id, limit: Self.embedPerCycle)
            try store.storeVectors(pending.map { ($0.id, hashed.embed($0.text)) }, embedder: HashedEmbedder.id)
            return (HashedEmbedder.id, nil, try store.memoryIndex(embedder: HashedEmbedder.id))
        }
        var index = VectorIndex(embedder: HashedEmbedder.id, dimensions: HashedEmbedder.dimensions)
        for e in try store.memoryTexts() {
            index.add(id: e.id, kind: e.kind, key: e.key, tags: e.tags, vector: hashed.embed(e.text))
        }
        return (HashedEmbedder.id, nil, index)
    }
}

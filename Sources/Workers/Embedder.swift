import Cycle
import FeedbackLoop
import Trinity

/// Embeddings from Ollama's `/api/embed` (EMBEDDING_MODEL; the seed's
/// `sentence-transformers` is Ollama's `all-minilm`, the same all-MiniLM-L6-v2).
extension ModelWorkers {
    public func embed(_ texts: [String]) async -> ModelAnswer<[[Float]]> {
        let bounded = texts.map { String($0.prefix(2000)) }
        return await call(.embedder, stage: .learn) { lease throws(OllamaError) in
            let (vectors, metrics) = try await client.embed(lease, bounded)
            let unit = vectors.compactMap { Vector.normalized($0.map(Float.init)) }
            guard unit.count == texts.count, let d = unit.first?.count, unit.allSatisfy({ $0.count == d }) else {
                return (.unusable("embedding model gave \(unit.count) usable vectors for \(texts.count) texts"), metrics)
            }
            return (.value(unit), metrics)
        }
    }
}

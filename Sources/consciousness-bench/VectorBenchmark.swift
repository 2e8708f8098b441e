import ArgumentParser
import FeedbackLoop
import Foundation
import SampleLog
import StateStore
import Trinity

/// `consciousness-bench vector`: the vector memory at scale — entries with 384-dimension
/// unit vectors (all-minilm's size) in a fresh store, the index loaded from it, and
/// top-5 searches, medians of 5 batches.
struct VectorBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector", abstract: "Vector memory: insert, index load and top-5 search at scale.")

    @Option(help: "Entries in the store.")
    var entries = 100_000

    @Option(help: "Dimensions of each vector (all-minilm's: 384).")
    var dimensions = 384

    func run() async throws {
        let dir = NSTemporaryDirectory() + "cc-vector-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        var rng = SplitMix64(seed: 7)
        let agents = (0..<20).map { "agent:a\($0)" }
        let start = ContinuousClock.now
        let batch = 5_000
        for b in stride(from: 0, to: entries, by: batch) {
            let es = (b..<min(b + batch, entries)).map {
                MemoryEntry(kind: $0 % 10 == 0 ? .learning : .pattern, key: "k\($0)", text: "entry \($0)",
                            tags: [agents[$0 % agents.count]])
            }
            _ = try store.remember(es, cycle: 1, at: 0)
        }
        let pending = try store.entriesNeedingVectors(embedder: "bench", limit: entries)
        try store.storeVectors(pending.map { ($0.id, rng.unitVector(dimensions)) }, embedder: "bench")
        let insert = (ContinuousClock.now - start).seconds
        var index = try store.memoryIndex(embedder: "bench")
        let load = await ConsciousnessBench.median(5) { () async -> Double in
            let t = ContinuousClock.now
            index = (try? store.memoryIndex(embedder: "bench")) ?? index
            return (ContinuousClock.now - t).seconds * 1000
        }
        let queries = (0..<20).map { _ in rng.unitVector(dimensions) }
        func searchMillis(tags: [String]) async -> Double {
            await ConsciousnessBench.median(5) { () async -> Double in
                let t = ContinuousClock.now
                for q in queries { _ = index.search(q, k: 5, tags: tags) }
                return (ContinuousClock.now - t).seconds * 1000 / Double(queries.count)
            }
        }
        let plain = await searchMillis(tags: [])
        let tagged = await searchMillis(tags: ["agent:a3"])
        let stats = try store.memoryStats()
        print("entries \(index.count)")
        print("insert_s \(String(format: "%.2f", insert))")
        print("index_load_ms \(String(format: "%.1f", load))")
        print("search_top5_ms \(String(format: "%.2f", plain))")
        print("search_top5_tagged_ms \(String(format: "%.2f", tagged))")
        print("memory_bytes \(stats.bytes)")
        print("database_bytes \(store.databaseSize())")
    }
}

extension SplitMix64 {
    /// A seeded random direction: the benchmark's vectors are the same every run.
    mutating func unitVector(_ n: Int) -> [Float] {
        Vector.normalized((0..<n).map { _ in Float(unit() * 2 - 1) }) ?? []
    }
}

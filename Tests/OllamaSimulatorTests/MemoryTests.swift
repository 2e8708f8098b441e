import Foundation
@testable import OllamaSimulator
import Testing

/// What a load occupies (num_ctx default, OLLAMA_NUM_PARALLEL, the KV cache type), the
/// catalog's sizes, the external hog and the invariant observer.
@Suite struct MemoryTests {
    /// server/routes.go `Serve`: below 23 GiB of VRAM (here: none) the default num_ctx is 4096,
    /// clamped to the trained context (server/sched.go `effectiveContext`).
    @Test func theDefaultContextIs4096ClampedToTheTrainedOne() async throws {
        try await Harness.with { sim in
            try await sim.use(Harness.coder7B)
            try await sim.use(Harness.miniLM)
            let listed = Dictionary(uniqueKeysWithValues: try await sim.ps().map { ($0.name, $0.contextLength) })
            #expect(listed[Harness.coder7B] == 4096)
            #expect(listed[Harness.miniLM] == 512)
            #expect(SimulatedModel.defaultContextLength == 4096)
        }
    }

    /// server/sched.go `effectiveLlamaServerContext` = num_ctx × numParallel for the KV cache;
    /// /api/ps still reports num_ctx.
    @Test func numParallelMultipliesTheKVCache() async throws {
        try await Harness.with({ $0.numParallel = 3 }) { sim in
            try await sim.generate(Harness.coder7B, options: #"{"num_ctx":8192}"#)
            let listed = try #require(try await sim.ps().first)
            let model = ModelCatalog.qwenCoder7B
            #expect(listed.contextLength == 8192)
            #expect(listed.size == model.memoryFootprint(contextLength: 8192, kvBytesPerElement: 2, numParallel: 3))
            #expect(listed.size == model.sizeBytes + model.computeOverheadBytes
                + model.kvCacheBytes(contextLength: 3 * 8192, bytesPerElement: 2))
        }
    }

    /// A quantized KV cache takes effect only with flash attention (llm/server.go at
    /// 9db4bdbad^: "quantized kv cache requested but flash attention disabled").
    @Test(arguments: [
        (false, KVCacheType.q8_0, 2.0), (true, .q8_0, 34.0 / 32), (true, .q4_0, 18.0 / 32), (true, .f16, 2.0),
    ])
    func theKVCacheTypeNeedsFlashAttention(flashAttention: Bool, type: KVCacheType, bytesPerElement: Double) async throws {
        try await Harness.with({
            $0.flashAttention = flashAttention
            $0.kvCacheType = type
        }) { sim in
            #expect(sim.configuration.effectiveKVBytesPerElement == bytesPerElement)
            try await sim.generate(Harness.coder7B, options: #"{"num_ctx":16384}"#)
            let size = try #require(try await sim.ps().first?.size)
            #expect(size == ModelCatalog.qwenCoder7B.memoryFootprint(contextLength: 16384, kvBytesPerElement: bytesPerElement))
        }
    }

    @Test func theSmallCoderIsTheRealFilesSize() async throws {
        try await Harness.with { sim in
            let models = try await sim.get("/api/tags").json()["models"] as? [[String: Any]] ?? []
            let coder = models.first { $0["name"] as? String == Harness.coder1_5B }
            #expect((coder?["size"] as? NSNumber)?.int64Value == 986_000_000)
        }
    }

    /// The hog's wave: 0 at the start of each period, its peak halfway, 0 again at the end.
    @Test func theHogIsATriangleWave() {
        let origin = ContinuousClock.now
        let hog = MemoryHog(maxBytes: 10_000_000_000, period: .seconds(2), origin: origin)
        #expect(hog.bytes(at: origin) == 0)
        #expect(hog.bytes(at: origin + .milliseconds(500)) == 5_000_000_000)
        #expect(hog.bytes(at: origin + .seconds(1)) == 10_000_000_000)
        #expect(hog.bytes(at: origin + .milliseconds(1_500)) == 5_000_000_000)
        #expect(hog.bytes(at: origin + .seconds(3)) == 10_000_000_000)
    }

    /// The hog rises and falls on its own; meminfo follows it between loads. Only that it
    /// moves is checked here: how far it has moved when sampled depends on when the sweeper
    /// runs, which a loaded machine delays (the wave's shape is checked above).
    @Test func theHogWaveMovesMemAvailable() async throws {
        try await Harness.with({
            $0.hogMaxBytes = 10_000_000_000
            $0.hogPeriod = .milliseconds(1_730)
        }) { sim in
            var seen: [Int64] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, Set(seen).count < 3 {
                seen.append(try sim.memAvailable())
                try await Task.sleep(for: .milliseconds(15))
            }
            #expect(Set(seen).count >= 3, "meminfo never followed the hog: \(Set(seen))")
            let free = sim.expectedAvailable(resident: 0)
            #expect(seen.allSatisfy { $0 >= free - 10_000_000_000 - 1024 && $0 <= free })
        }
    }

    @Test func aPinnedHogIsPublishedAtOnceAndReleased() async throws {
        try await Harness.with { sim in
            #expect(try await sim.post("/sim/hog", #"{"bytes":6000000000}"#).status == 200)
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: 0, hog: 6_000_000_000))
            let state = try await sim.state()
            #expect(state.int("hogBytes") == 6_000_000_000)
            #expect(Int64(state.int("memAvailableBytes")) == sim.configuration.memTotalBytes - sim.configuration.baseUsedBytes - 6_000_000_000)
            #expect(try await sim.post("/sim/hog", #"{"bytes":-1}"#).status == 400)
            await sim.simulator.setHog(bytes: nil)
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: 0))
            #expect(await sim.simulator.hogBytes() == 0)
        }
    }

    /// At every completed load: MemAvailable ≥ reserve and resident total ≤ budget.
    @Test func theObserverCountsLoadsOutsideTheReserveOrTheBudget() async throws {
        let coder = ModelCatalog.qwenCoder1_5B.memoryFootprint(contextLength: 4096)
        let builder = ModelCatalog.qwenCoder7B.memoryFootprint(contextLength: 4096)
        try await Harness.with({
            $0.watchBudgetBytes = coder + builder / 2
            $0.watchReserveBytes = 1_000_000_000
        }) { sim in
            try await sim.generate(Harness.coder1_5B)
            #expect(await sim.simulator.violationCount() == 0)
            try await sim.generate(Harness.coder7B)
            #expect(await sim.simulator.violationCount() == 1)
            let violation = try #require(await sim.simulator.recentViolations().first)
            #expect(violation.model == Harness.coder7B)
            #expect(violation.residentBytes == coder + builder)
            #expect(violation.description.contains("budget"))
            let state = try await sim.state()
            #expect(state.int("violations") == 1)
            #expect((state["recentViolations"] as? [[String: Any]])?.first?["model"] as? String == Harness.coder7B)
        }
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import OllamaSimulator
import Testing

/// Ollama's own evictions: server/sched.go processPending → findRunnerToUnload, for the
/// loaded-model cap and for a model that would not fit.
@Suite struct SchedulingTests {
    @Test func theCapEvictsTheLeastRecentlyUsedIdleModel() async throws {
        try await Harness.with({
            $0.maxLoadedModels = 2
            $0.unloadDelay = .milliseconds(20)
        }) { sim in
            try await sim.generate(Harness.coder1_5B)
            try await sim.generate(Harness.coder7B)
            try await sim.generate(Harness.coder1_5B)  // the 7B is now the least recently used
            try await sim.use(Harness.miniLM)
            #expect(try await sim.psNames() == [Harness.coder1_5B, Harness.miniLM])
            let counters = await sim.simulator.counters()
            #expect(counters.evictedByOllama == 1)
            #expect(counters.loads == 3)
            #expect(counters.unloadRequests == 0 && counters.expired == 0)
            let state = try await sim.state()
            #expect(state.object("counters").int("evictedByOllama") == 1)
            #expect(state.object("counters").int("loads") == 3)
        }
    }

    @Test func theDefaultCapIsThreeModels() async throws {
        try await Harness.with({ $0.unloadDelay = .zero }) { sim in
            #expect(sim.configuration.maxLoadedModels == 3)
            for model in [Harness.coder1_5B, Harness.coder7B, Harness.miniLM, Harness.codestral] {
                let answer = try await sim.use(model)
                #expect(answer.status == 200)
            }
            #expect(try await sim.psNames() == [Harness.coder7B, Harness.miniLM, Harness.codestral])
            #expect(await sim.simulator.counters().evictedByOllama == 1)
        }
    }

    /// A model mid-generation holds a reference: it is not idle, so the idle one goes.
    @Test func aModelMidStreamIsNotPickedWhileAnIdleOneExists() async throws {
        try await Harness.with({
            $0.maxLoadedModels = 2
            $0.unloadDelay = .zero
            $0.streamChunkDelay = .milliseconds(40)
        }) { sim in
            try await sim.generate(Harness.coder1_5B)
            try await sim.generate(Harness.coder7B)
            // The 1.5B is the least recently used, but now it streams.
            let stream = try await sim.open("/api/generate", #"{"model":"\#(Harness.coder1_5B)","prompt":"a long answer"}"#)
            var chunks = stream.body.makeAsyncIterator()
            _ = try await chunks.next()
            try await sim.use(Harness.miniLM)
            #expect(try await sim.psNames() == [Harness.coder1_5B, Harness.miniLM])
            var rest = ""
            while let chunk = try await chunks.next() { rest += String(buffer: chunk) }
            #expect(rest.contains(#""done":true"#))
        }
    }

    /// With nothing idle, Ollama picks a busy runner and waits for its requests to finish.
    @Test func withNothingIdleTheCapWaitsForTheBusyModel() async throws {
        try await Harness.with({
            $0.maxLoadedModels = 1
            $0.unloadDelay = .zero
            $0.streamChunkDelay = .milliseconds(30)
        }) { sim in
            let stream = try await sim.open("/api/generate", #"{"model":"\#(Harness.coder1_5B)","prompt":"a long answer"}"#)
            var chunks = stream.body.makeAsyncIterator()
            _ = try await chunks.next()
            let loader = Task { try await sim.generate(Harness.coder7B) }
            try await Task.sleep(for: .milliseconds(60))
            // The 7B waits: the 1.5B is chosen, but still streaming.
            #expect(try await sim.psNames() == [Harness.coder1_5B])
            var rest = ""
            while let chunk = try await chunks.next() { rest += String(buffer: chunk) }
            #expect(rest.contains(#""done":true"#))
            #expect(try await loader.value.status == 200)
            #expect(try await sim.psNames() == [Harness.coder7B])
            #expect(await sim.simulator.counters().evictedByOllama == 1)
        }
    }

    /// A load that would not fit beside the others evicts the least recently used idle model;
    /// the external hog counts against the fit.
    @Test func aLoadThatWouldNotFitEvictsTheLeastRecentlyUsedIdleModel() async throws {
        let slack: Int64 = 200_000_000
        var probe = SimulatorConfiguration()
        probe.maxLoadedModels = 0
        let coder = ModelCatalog.qwenCoder1_5B.memoryFootprint(contextLength: 4096, configuration: probe)
        let builder = ModelCatalog.qwenCoder7B.memoryFootprint(contextLength: 4096, configuration: probe)
        let miniLM = ModelCatalog.allMiniLM.memoryFootprint(contextLength: 512, configuration: probe)
        #expect(miniLM < slack)
        try await Harness.with({
            $0.maxLoadedModels = 0
            $0.unloadDelay = .zero
            $0.memTotalBytes = $0.baseUsedBytes + coder + builder + slack
        }) { sim in
            try await sim.generate(Harness.coder1_5B)
            try await sim.generate(Harness.coder7B)
            try await sim.generate(Harness.coder7B)
            #expect(await sim.simulator.counters().evictedByOllama == 0)
            // The hog takes the slack: all-minilm no longer fits, the idle 1.5B (LRU) goes.
            let pinned = try await sim.post("/sim/hog", #"{"bytes":\#(slack)}"#)
            #expect(pinned.status == 200)
            try await sim.use(Harness.miniLM)
            #expect(try await sim.psNames() == [Harness.coder7B, Harness.miniLM])
            #expect(await sim.simulator.counters().evictedByOllama == 1)
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: builder + miniLM, hog: slack))
        }
    }

    /// Like Ollama's first model, a model that fits nowhere still loads when nothing else is
    /// resident; the observer records that the watched reserve was broken.
    @Test func theFirstModelLoadsEvenWhenItDoesNotFit() async throws {
        try await Harness.with({
            $0.memTotalBytes = 8_000_000_000
            $0.watchReserveBytes = 1_000_000_000
        }) { sim in
            let answer = try await sim.generate(Harness.codestral)
            #expect(answer.status == 200)
            #expect(try await sim.psNames() == [Harness.codestral])
            #expect(await sim.simulator.violationCount() == 1)
        }
    }
}

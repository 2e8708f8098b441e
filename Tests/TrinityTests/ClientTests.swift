import Foundation
import Logging
import OllamaSimulator
import SimulatorTestKit
import Testing
@testable import Trinity

typealias Rig = SimulatedOllama

extension SimulatedOllama {
    /// The kit's simulator with the Trinity prepared, for the client and governor tests.
    static func with(loadSecondsPerGB: Double = 0.001, memTotal: Int64 = 48_000_000_000,
                     timeouts: Timeouts = SimulatedOllama.testTimeouts,
                     settings: GovernorSettings = SimulatedOllama.testSettings,
                     configure: (inout SimulatorConfiguration) -> Void = { _ in },
                     _ body: (SimulatedOllama) async throws -> Void) async throws {
        try await withSimulator(loadSecondsPerGB: loadSecondsPerGB, memTotal: memTotal, timeouts: timeouts,
                                settings: settings, prepare: trinity, configure: configure, body)
    }
}

@Suite(.serialized) struct ClientTests {
    @Test func chatStreamedAndWholeWithMetrics() async throws {
        try await Rig.with() { rig in
            let lease = try await rig.governor.lease(.controller, wantedContext: 4096)
            #expect(lease.contextTokens == 4096)
            let streamed = try await rig.client.chat(lease, [.init(role: "user", content: "classify this violation please")])
            let whole = try await rig.client.chat(lease, [.init(role: "user", content: "classify this violation please")], stream: false)
            #expect(!streamed.text.isEmpty && streamed.text == whole.text)  // deterministic
            #expect(streamed.metrics.promptTokens > 0 && streamed.metrics.outputTokens > 0)
            #expect(streamed.metrics.tokensPerSecond > 0)
            #expect(streamed.metrics.contextUse > 0 && streamed.metrics.contextUse < 1)
            let schema: JSONValue = .object(["type": .string("object"), "properties": .object([
                "article": .object(["type": .string("string"), "enum": .array([.string("Article I"), .string("Article II")])]),
                "summary": .object(["type": .string("string")]),
            ]), "required": .array([.string("article"), .string("summary")])])
            let structured = try await rig.client.generate(lease, "classify", format: schema, stream: false)
            let obj = try JSONSerialization.jsonObject(with: Data(structured.text.utf8)) as? [String: Any]
            #expect(["Article I", "Article II"].contains(obj?["article"] as? String ?? ""))
            await rig.governor.release(lease)
            let e = try await rig.governor.lease(.embedder, wantedContext: 512)
            let v = try await rig.client.embed(e, ["a violation", "another"])
            #expect(v.vectors.count == 2 && v.vectors[0].count == 384)
            await rig.governor.release(e)
            #expect(rig.client.counter.remote == 0 && rig.client.counter.loopback > 0)
        }
    }

    @Test(arguments: Fault.ollamaTransport)
    func eachFaultIsATypedErrorWithinItsTimeout(fault: Fault) async throws {
        var t = SimulatedOllama.testTimeouts
        (t.firstByte, t.whole) = (.seconds(2), .seconds(8))
        try await Rig.with(timeouts: t) { rig in
            let lease = try await rig.governor.lease(.controller, wantedContext: 2048)
            await rig.sim.inject(fault, count: 5, path: "/api/chat")
            let start = ContinuousClock.now
            do throws(OllamaError) {
                _ = try await rig.client.chat(lease, [.init(role: "user", content: "hello")])
                Issue.record("\(fault) gave no error")
            } catch {
                let elapsed = ContinuousClock.now - start
                // Within its timeout (first byte 2 s, whole 8 s), with room for a loaded machine.
                #expect(elapsed < .seconds(9), "\(fault) took \(elapsed)")
                switch (fault, error) {
                case (.down, .unreachable), (.notFound, .modelNotFound), (.serverError, .server(500, _)),
                     (.stall, .timeout), (.malformed, .malformedResponse), (.cutStream, .streamCut): break
                case (.midStreamError, .modelFailed(let message)):
                    #expect(message.contains("out of memory"), "Ollama's own words are kept: \(message)")
                default: Issue.record("\(fault) gave \(error)")
                }
            }
        }
    }

    @Test func aModelNotPulledSaysWhichPullToRun() async throws {
        try await Rig.with() { rig in
            do throws(OllamaError) {
                _ = try await rig.client.show("llama9:70b")
                Issue.record("no error")
            } catch {
                #expect(error == .modelNotFound(model: "llama9:70b", pull: "ollama pull llama9:70b"))
                #expect(error.description.contains("ollama pull llama9:70b"))
            }
        }
    }

    /// Nothing listens: the connection is refused, and a refused connection on
    /// loopback is not retried (waiting would not make Ollama appear).
    @Test func aDeadEndpointIsUnreachableAtOnce() async throws {
        var t = Timeouts()
        t.connectRetries = 2
        let client = OllamaClient(try Endpoint("http://127.0.0.1:9", localOnly: true), timeouts: t)
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.tags()
            Issue.record("a dead endpoint answered")
        } catch {
            #expect(error == .unreachable(host: "127.0.0.1", detail: "connection refused"), "\(error)")
        }
        #expect(client.counter.loopback == 1)  // one try, no retry
    }
}

@Suite(.serialized) struct GovernorTests {
    @Test func idleModelsAreEvictedLeastRecentlyUsedFirstNeverALeasedOne() async throws {
        var s = SimulatedOllama.testSettings
        // 20 GB: controller (1.8) + builder (5.4) + architect (16.0) at 8k tokens do not fit together.
        s.budget.trinityBytes = 20_000_000_000
        try await Rig.with(settings: s) { rig in
            let c = try await rig.governor.lease(.controller, wantedContext: 8192)
            await rig.governor.release(c)
            let b = try await rig.governor.lease(.builder, wantedContext: 8192)
            await rig.governor.release(b)
            let held = try await rig.governor.lease(.controller, wantedContext: 8192)  // controller used last, and held
            let a = try await rig.governor.lease(.architect, wantedContext: 8192)
            #expect(await rig.governor.unloads == ["qwen2.5-coder:7b-instruct-q4_K_M"])  // the idle builder, not the held controller
            #expect(await rig.governor.residentModels().contains("qwen2.5-coder:1.5b-instruct-q4_K_M"))
            await rig.governor.release(a)
            // With the controller still leased, a builder that needs the architect's room evicts the architect.
            _ = try await rig.governor.lease(.builder, wantedContext: 8192)
            #expect(await rig.governor.unloads.last == "codestral:22b-v0.1-q4_K_M")
            await rig.governor.release(held)
        }
    }

    @Test func aLoadThatCannotFitIsRefusedWithTheReason() async throws {
        var s = SimulatedOllama.testSettings
        s.budget.trinityBytes = 10_000_000_000
        try await Rig.with(settings: s) { rig in
            do throws(Refusal) {
                _ = try await rig.governor.lease(.architect, wantedContext: 8192)
                Issue.record("granted")
            } catch {
                #expect(error.kind == .wouldNotFit)
                #expect(error.reason.contains("codestral"))
            }
        }
    }

    @Test func recordedPressureStopsGrants() async throws {
        try await Rig.with() { rig in
            try FileManager.default.createDirectory(atPath: rig.root + "/proc/pressure", withIntermediateDirectories: true)
            try "some avg10=40.00 avg60=20.00 avg300=5.00 total=1\nfull avg10=25.00 avg60=10.00 avg300=2.00 total=1\n"
                .write(toFile: rig.root + "/proc/pressure/memory", atomically: true, encoding: .utf8)
            do throws(Refusal) {
                _ = try await rig.governor.lease(.builder, wantedContext: 4096)
                Issue.record("granted under 25% memory pressure")
            } catch {
                #expect(error.kind == .pressure, "\(error)")
            }
            try "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
                .write(toFile: rig.root + "/proc/pressure/memory", atomically: true, encoding: .utf8)
            let l = try await rig.governor.lease(.builder, wantedContext: 4096)
            await rig.governor.release(l)
        }
    }

    @Test func aLoadIntoTheOSReserveIsRefused() async throws {
        // A 16 GB machine: the 22B (15+ GB with its cache) would eat the 8 GB reserve.
        try await Rig.with(memTotal: 16_000_000_000) { rig in
            do throws(Refusal) {
                _ = try await rig.governor.lease(.architect, wantedContext: 8192)
                Issue.record("granted into the reserve")
            } catch {
                #expect(error.kind == .reserve)
            }
        }
    }

    /// Ollama's machine keeps its KV cache in 4 bytes an element where the governor
    /// assumes 2 (f16): what /api/ps reports is larger than the estimate, and the
    /// correction must follow it — a factor of 1 (no correction) fails.
    @Test(arguments: [(2.0, 0.9...1.1), (4.0, 1.05...2.0)])
    func theEstimateIsCorrectedFromWhatOllamaReports(kvBytes: Double, expected: ClosedRange<Double>) async throws {
        try await Rig.with(configure: { $0.kvBytesPerElement = kvBytes }) { rig in
            let l = try await rig.governor.lease(.builder, wantedContext: 32_768)
            _ = try await rig.client.chat(l, [.init(role: "user", content: "hi")], stream: false)
            let ps = try await rig.client.running().first { $0.name == l.model }
            #expect(ps?.size != nil)
            let f = await rig.governor.correctionFactor(l.model)
            #expect(expected.contains(f), "correction \(f) with \(kvBytes) bytes per KV element")
            await rig.governor.release(l)
        }
    }

    @Test func aModelOllamaLacksIsRefusedWithThePull() async throws {
        try await Rig.with() { rig in
            try await rig.governor.prepare(models: [.builder: "qwen9:404b"])
            do throws(Refusal) {
                _ = try await rig.governor.lease(.builder, wantedContext: 2048)
                Issue.record("granted a model Ollama does not have")
            } catch {
                #expect(error.kind == .modelMissing)
                #expect(error.reason.contains("ollama pull qwen9:404b"))
            }
        }
    }
}

@Suite(.serialized) struct AdoptionTests {
    /// A model Ollama has loaded that no role uses (another client's, or one the
    /// governor forgot in a restart) is counted against the budget, with a warning,
    /// and evicted like any idle model — never ignored.
    @Test func anUnknownResidentModelIsCountedNotIgnored() async throws {
        try await Rig.with() { rig in
            let l = try await rig.governor.lease(.builder, wantedContext: 8192)
            _ = try await rig.client.chat(l, [.init(role: "user", content: "load yourself")], stream: false)
            await rig.governor.release(l)
            var s = SimulatedOllama.testSettings
            s.budget.trinityBytes = 18_000_000_000
            let fresh = Governor(client: rig.client, memory: MemorySource(root: rig.root, ollamaCgroup: nil), settings: s,
                                 logger: Logger(label: "test"))
            try await fresh.prepare(models: [.architect: "codestral:22b-v0.1-q4_K_M"])
            #expect(await fresh.residentModels() == ["qwen2.5-coder:7b-instruct-q4_K_M"])
            // 16 GB for the 22B at 8k does not fit beside the 7B's 5.4 GB in 18 GB: the stranger goes.
            _ = try await fresh.lease(.architect, wantedContext: 8192)
            #expect(await fresh.unloads == ["qwen2.5-coder:7b-instruct-q4_K_M"])
            #expect(await rig.sim.resident().allSatisfy { $0.name != "qwen2.5-coder:7b-instruct-q4_K_M" })
        }
    }
}

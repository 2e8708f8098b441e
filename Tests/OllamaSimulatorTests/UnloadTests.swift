import Foundation
import OllamaSimulator
import Testing

/// Ollama: server/routes.go GenerateHandler/ChatHandler answer an unload request at once
/// (`expireRunner`), and the runner goes away afterwards.
@Suite struct UnloadTests {
    @Test func generateUnloadAnswersAtOnceAndTheModelGoesAfterTheDelay() async throws {
        // A long delay: "still listed right after the answer" must not race the unload on
        // a loaded machine. That check is what shows the answer came first.
        try await Harness.with({ $0.unloadDelay = .seconds(3) }) { sim in
            try await sim.generate(Harness.coder1_5B)
            let size = try #require(try await sim.ps().first?.size)
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: size))

            let asked = ContinuousClock.now
            let answer = try await sim.post("/api/generate", #"{"model":"\#(Harness.coder1_5B)","keep_alive":0}"#)
            #expect(answer.status == 200)
            let body = try answer.json()
            #expect(body["done"] as? Bool == true)
            #expect(body["done_reason"] as? String == "unload")

            // Still listed and still holding its memory right after the answer.
            #expect(try await sim.psNames() == [Harness.coder1_5B])
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: size))
            #expect(try await sim.state()["unloading"] as? [String] == [Harness.coder1_5B])

            #expect(try await sim.eventually { try await sim.psNames().isEmpty })
            #expect(ContinuousClock.now - asked >= .milliseconds(2_950))
            #expect(try sim.memAvailable() == sim.expectedAvailable(resident: 0))
            #expect(await sim.simulator.counters().unloadRequests == 1)
        }
    }

    @Test func chatWithNoMessagesAndKeepAliveZeroUnloadsToo() async throws {
        // A delay long enough that "still listed after the answer" holds on a loaded machine.
        try await Harness.with({ $0.unloadDelay = .seconds(2) }) { sim in
            try await sim.generate(Harness.coder7B)
            let answer = try await sim.post("/api/chat", #"{"model":"\#(Harness.coder7B)","messages":[],"keep_alive":"0s"}"#)
            #expect(answer.status == 200)
            let body = try answer.json()
            #expect(body["done_reason"] as? String == "unload")
            #expect(body.object("message")["role"] as? String == "assistant")
            #expect(try await sim.psNames() == [Harness.coder7B])
            #expect(try await sim.eventually { try await sim.psNames().isEmpty })
            let counters = await sim.simulator.counters()
            #expect(counters.unloadRequests == 1)
            #expect(counters.evictedByOllama == 0 && counters.expired == 0)
        }
    }

    /// routes.go runs the unload branch before the completion-capability check.
    @Test func unloadComesBeforeTheCapabilityCheck() async throws {
        try await Harness.with({ $0.unloadDelay = .zero }) { sim in
            let embedded = try await sim.post("/api/embed", #"{"model":"all-minilm","input":"load me"}"#)
            #expect(embedded.status == 200)
            #expect(try await sim.psNames() == [Harness.miniLM])

            let unload = try await sim.post("/api/generate", #"{"model":"all-minilm","prompt":"","keep_alive":0}"#)
            #expect(unload.status == 200)
            #expect(try unload.json()["done_reason"] as? String == "unload")
            #expect(try await sim.psNames().isEmpty)

            let chat = try await sim.post("/api/chat", #"{"model":"all-minilm","keep_alive":0}"#)
            #expect(chat.status == 200)
            #expect(try chat.json()["done_reason"] as? String == "unload")

            let refused = try await sim.post("/api/generate", #"{"model":"all-minilm","prompt":"hi"}"#)
            #expect(refused.status == 400)
            #expect(try refused.json()["error"] as? String == #""all-minilm" does not support generate"#)
        }
    }

    /// A keep_alive of 0 on a real request unloads the model once its reply is written
    /// (server/sched.go processCompleted: sessionDuration 0 when the last reference goes).
    @Test func keepAliveZeroOnARealRequestUnloadsAfterTheReply() async throws {
        try await Harness.with({ $0.unloadDelay = .milliseconds(50) }) { sim in
            let answer = try await sim.generate(Harness.coder1_5B, keepAlive: "0")
            #expect(answer.status == 200)
            #expect(try answer.json()["done_reason"] as? String == "stop")
            #expect(try await sim.eventually { try await sim.psNames().isEmpty })
            #expect(await sim.simulator.counters() == {
                var c = SimulatorCounters()
                c.loads = 1
                c.unloadRequests = 1
                return c
            }())
        }
    }
}

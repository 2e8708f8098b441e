import AsyncHTTPClient
import Foundation
import OllamaSimulator
import Testing

@Suite struct FaultAndHeaderTests {
    /// server/routes.go `streamResponse`: an error after content has been written goes into
    /// the stream as one `{"error": …}` line, and the stream ends normally.
    @Test func midStreamErrorSendsContentThenAnErrorLine() async throws {
        try await Harness.with { sim in
            await sim.simulator.inject(.midStreamError, path: "/api/chat")
            let answer = try await sim.post(
                "/api/chat", #"{"model":"\#(Harness.coder1_5B)","messages":[{"role":"user","content":"hello there"}]}"#)
            #expect(answer.status == 200)
            let lines = answer.lines
            #expect(lines.count >= 2)
            #expect(lines.dropLast().allSatisfy { $0.contains(#""done":false"#) && $0.contains(#""content""#) })
            #expect(lines.last == #"{"error":"llama runner process has terminated: CUDA error: out of memory"}"#)
            #expect(!answer.body.contains(#""done":true"#))
            // The stream ended cleanly: the next request is served as usual.
            #expect(try await sim.generate(Harness.coder1_5B).status == 200)
        }
    }

    @Test func midStreamErrorWithoutStreamingIsA500() async throws {
        try await Harness.with { sim in
            await sim.simulator.inject(.midStreamError)
            let answer = try await sim.generate(Harness.coder1_5B)
            #expect(answer.status == 500)
            #expect(try answer.json()["error"] as? String == Fault.midStreamErrorMessage)
            #expect(Fault(rawValue: "midStreamError") == .midStreamError)
            #expect(Fault.allCases.contains(.midStreamError))
        }
    }

    /// A model mid-stream is released when its faulted stream ends, so it can expire.
    @Test func aFaultedStreamReleasesItsModel() async throws {
        try await Harness.with({
            $0.keepAliveScale = 0.01
            $0.unloadDelay = .zero
        }) { sim in
            await sim.simulator.inject(.midStreamError)
            _ = try await sim.post("/api/generate", #"{"model":"\#(Harness.coder1_5B)","prompt":"hi","keep_alive":"10s"}"#)
            #expect(try await sim.eventually { try await sim.psNames().isEmpty })
            #expect(await sim.simulator.counters().expired == 1)
        }
    }

    /// llm/llama_server.go: `num_predict` reached, llama-server stops with type "limit",
    /// which Ollama reports as done_reason "length"; under the bound the answer is whole.
    @Test func numPredictBoundsTheAnswer() async throws {
        try await Harness.with { sim in
            let body = { (n: Int) in
                #"{"model":"\#(Harness.coder1_5B)","stream":false,"options":{"num_predict":\#(n)},"messages":[{"role":"user","content":"tell me"}]}"#
            }
            let cut = try await sim.post("/api/chat", body(2)).json()
            #expect(cut["done_reason"] as? String == "length")
            let words = ((cut["message"] as? [String: Any])?["content"] as? String ?? "").split(whereSeparator: \.isWhitespace)
            #expect(words.count == 2)
            let whole = try await sim.post("/api/chat", body(10_000)).json()
            #expect(whole["done_reason"] as? String == "stop")
        }
    }

    /// A content fault is used by an answer with content, not by a load request.
    @Test func aContentFaultWaitsForAnAnswerWithContent() async throws {
        try await Harness.with { sim in
            await sim.simulator.inject(.salad, path: "/api/chat")
            _ = try await sim.post("/api/chat", #"{"model":"\#(Harness.coder1_5B)","messages":[]}"#)  // a load
            let answer = try await sim.post(
                "/api/chat", #"{"model":"\#(Harness.coder1_5B)","stream":false,"messages":[{"role":"user","content":"Agent: planner\nEvidence:\n- create_planner_agent: 3 violations, Article II, trend STABLE; suggested fix: add tests"}]}"#)
            let text = (try answer.json()["message"] as? [String: Any])?["content"] as? String ?? ""
            #expect(!text.contains("planner"), "the salad fault was used up by the load: \(text)")
            let next = try await sim.post(
                "/api/chat", #"{"model":"\#(Harness.coder1_5B)","stream":false,"messages":[{"role":"user","content":"Agent: planner\nEvidence:\n- create_planner_agent: 3 violations, Article II, trend STABLE; suggested fix: add tests"}]}"#)
            #expect(((try next.json()["message"] as? [String: Any])?["content"] as? String ?? "").contains("for the planner agent"))
        }
    }

    /// Real Ollama never sends X-Ollama-Simulator; the simulator marks its made-up content.
    @Test func simulatedContentCarriesTheSimulatorHeader() async throws {
        try await Harness.with { sim in
            let generated = try await sim.generate(Harness.coder1_5B)
            let chatted = try await sim.post(
                "/api/chat", #"{"model":"\#(Harness.coder1_5B)","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
            let embedded = try await sim.use(Harness.miniLM)
            for answer in [generated, chatted, embedded] {
                #expect(answer.status == 200)
                #expect(answer.headers.first(name: "X-Ollama-Simulator") == "1")
            }
            #expect(try await sim.get("/api/tags").headers.first(name: "X-Ollama-Simulator") == nil)
        }
    }
}

import Foundation
import Testing

/// `consciousness memory` against a running Ollama (the simulator process): what Ollama
/// holds, as `ollama ps` shows it, beside the plan — and where they differ.
@Suite struct MemoryCommandTests {
    /// The user's morning: all four models resident, 23.1 GB on a 25.3 GB machine with
    /// 8 GB reserved. The plan has the roles take turns; the view must say that reality
    /// does not, instead of a bare "✓ fits".
    @Test func whatOllamaHoldsIsShownBesideThePlanAndTheDifferenceSaid() async throws {
        // An Ollama configured with OLLAMA_MAX_LOADED_MODELS=4, as the user's was.
        let sim = try SimulatorProcess(["--max-loaded-models", "4"])
        for model in ["codestral:22b-v0.1-q4_K_M", "qwen2.5-coder:7b-instruct-q4_K_M",
                      "qwen2.5-coder:1.5b-instruct-q4_K_M", "all-minilm"] {
            let path = model == "all-minilm" ? "/api/embed" : "/api/generate"
            let body = model == "all-minilm" ? #"{"model":"all-minilm","input":["x"],"keep_alive":-1}"#
                : #"{"model":"\#(model)","prompt":"","keep_alive":-1,"options":{"num_ctx":8192}}"#
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-sf", "-d", body, sim.url + path]
            let r = try await Binary.capture(curl)
            #expect(r.status == 0, "loading \(model): \(r.stderr)")
        }
        let root = NSTemporaryDirectory() + "memory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "MemTotal:       24707031 kB\nMemFree:         2000000 kB\nMemAvailable:    2200000 kB\n"
            .write(toFile: root + "/proc/meminfo", atomically: true, encoding: .utf8)
        let r = try await Binary.run(["memory", "--root", root], env: ["OLLAMA_HOST": sim.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Ollama holds now (as `ollama ps`)"), "\(r.stdout)")
        #expect(r.stdout.contains("| codestral:22b-v0.1-q4_K_M | architect |"), "\(r.stdout)")
        #expect(r.stdout.contains("| all-minilm:latest | embedder |"), "the tagless name is the embedder's: \(r.stdout)")
        #expect(r.stdout.contains("Where reality and the plan differ:"))
        #expect(r.stdout.contains("the plan has the roles take turns; 4 models are loaded together"), "\(r.stdout)")
        #expect(r.stdout.contains("inside the 8.0 GB OS reserve"), "\(r.stdout)")
        #expect(r.stdout.contains("| forever |"), "keep_alive -1 reads as forever: \(r.stdout)")
        #expect(r.stdout.contains("no running daemon's governor found"), "no daemon, no leases claimed: \(r.stdout)")
        // A running daemon's governor (this test process stands in for its PID) holds a
        // lease on the 22B: the view says so, and the others are idle.
        let stats = #"{"loads":4,"refusals":0,"evictions":0,"droppedByOllama":0,"adopted":0,"loadSeconds":{}}"#
        let models = #"[{"model":"codestral:22b-v0.1-q4_K_M","role":"architect","leases":1},"#
            + #"{"model":"qwen2.5-coder:7b-instruct-q4_K_M","role":"builder","leases":0}]"#
        try #"{"pid":\#(getpid()),"writtenAt":0,"models":\#(models),"stats":\#(stats)}"#
            .write(toFile: root + "/governor.json", atomically: true, encoding: .utf8)
        let d = try await Binary.run(["memory", "--root", root, "--state-dir", root], env: ["OLLAMA_HOST": sim.url])
        #expect(d.stdout.contains("| codestral:22b-v0.1-q4_K_M | architect |") && d.stdout.contains("| leased (1) |"), "\(d.stdout)")
        #expect(d.stdout.contains("| idle |"))
        #expect(d.stdout.contains("the governor of the daemon running as PID \(getpid())"))
        let j = try await Binary.run(["memory", "--root", root, "--json"], env: ["OLLAMA_HOST": sim.url])
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect((obj?["resident"] as? [[String: Any]])?.count == 4)
        #expect((obj?["differences"] as? [String])?.isEmpty == false)
    }
}

import FeedbackLoop
import Foundation
import StateStore
import Testing

/// `consciousness report` as a user runs it, and the `cycle` command's progress bar
/// and metrics file.
@Suite(.serialized) struct ReportCommandTests {
    let dir = temporaryDirectory()

    /// A log and two hourly cycles in the night of 2025-10-08 (UTC).
    func twoCycles() async throws -> (log: String, state: String) {
        let log = dir + "/v.jsonl"
        let s = try await Binary.run(["sample", "--output", log, "--lines", "3000", "--days", "10", "--end", "2025-10-08T01:00:00Z"])
        #expect(s.status == 0, "\(s.stderr)")
        for now in ["2025-10-08T00:00:00Z", "2025-10-08T01:00:00Z"] {
            let r = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/s", "--now", now])
            #expect(r.status == 0, "\(r.stderr)")
        }
        return (log, dir + "/s")
    }

    func config() -> String {
        let path = dir + "/c.env"
        FileManager.default.createFile(atPath: path, contents: Data("MORNING_REPORT_AT=07:00\nCYCLE_INTERVAL=1h\n".utf8))
        return path
    }

    @Test func reportPrintsTheLatestCycleOrTheOneAskedFor() async throws {
        let (_, state) = try await twoCycles()
        let latest = try await Binary.run(["report", "--state-dir", state])
        #expect(latest.status == 0, "\(latest.stderr)")
        #expect(latest.stdout.contains("Cycle 2: 2025-10-08T01:00:00+00:00 — completed"))
        #expect(latest.stdout.contains("Model calls: no model calls"))
        #expect(latest.stdout.contains("Vector memory: ") && !latest.stdout.contains("Vector memory: not recorded"))
        let first = try await Binary.run(["report", "--state-dir", state, "--cycle", "1", "--json"])
        #expect(first.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [String: Any]
        #expect(obj["cycle"] as? Int == 1)
        #expect(obj["model_calls"] is [Any])
        let missing = try await Binary.run(["report", "--state-dir", state, "--cycle", "9"])
        #expect(missing.status == 66)
        #expect(missing.stderr == "consciousness: no cycle 9 in the store (cycles 1–2)\n")
        // The metrics file sits beside the store, rewritten by each cycle.
        let prom = try String(contentsOfFile: state + "/consciousness.prom", encoding: .utf8)
        #expect(prom.contains("consciousness_last_cycle_number 2\n"))
    }

    /// A failed or unfinished cycle's JSON keeps its number a number, as a finished one's.
    @Test func aFailedCycleReportsItsNumberAndReasonAsJSON() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir + "/failed")
        let id = try store.beginCycle(at: 1_760_000_000_000_000)
        try store.failCycle(id, reason: "disk full", at: 1_760_000_001_000_000)
        let r = try await Binary.run(["report", "--json", "--state-dir", dir + "/failed"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["cycle"] as? Int == Int(id) && obj["result"] as? String == "failed" && obj["reason"] as? String == "disk full")
        let open = try store.beginCycle(at: 1_760_000_002_000_000)
        let running = try JSONSerialization.jsonObject(with: Data(try await Binary.run(["report", "--json", "--state-dir", dir + "/failed"]).stdout.utf8)) as? [String: Any]
        #expect(running?["cycle"] as? Int == Int(open) && running?["result"] as? String == "running")
    }

    /// `report --morning --sent`: what left the machine that night, byte for byte, with
    /// its cost; the report's API calls and Cost and `status` are the ledger's.
    @Test func whatLeftTheMachineIsShownByteForByte() async throws {
        let (_, state) = try await twoCycles()
        let env = ["TZ": "UTC"]
        let none = try await Binary.run(["report", "--morning", "--sent", "--date", "2025-10-08", "--state-dir", state, "--config", config()], env: env)
        #expect(none.status == 0 && none.stdout.contains("Nothing left the machine"), "\(none.stdout)\(none.stderr)")
        let store = try StateStore(directory: state)
        let night = try #require(LocalDate("2025-10-08"))
        let payload = #"{"messages":[{"content":"The night: 12 violations in run_quality_gate","role":"user"}],"model":"gpt-5"}"#
        guard case .reserved(let id, _) = try store.reserveRemoteCall(.init(
            night: night, startedAt: 1_759_906_800_000_000, host: "api.example.com", model: "gpt-5", capUSD: 0.5,
            worstCaseUSD: 0.02, payload: payload)) else { Issue.record("not reserved"); return }
        try store.bookRemoteCall(id: id, .init(outcome: "used", reason: nil, promptTokens: 900, completionTokens: 150,
                                               costUSD: 0.0026, usageReported: true, finishedAt: 1_759_906_801_000_000))
        let sent = try await Binary.run(["report", "--morning", "--sent", "--date", "2025-10-08", "--state-dir", state, "--config", config()], env: env)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("api.example.com, gpt-5: used, $0.0026 (reserved $0.0200)"), "\(sent.stdout)")
        #expect(sent.stdout.contains("\n" + payload + "\n"), "the payload exactly as sent")
        let morning = try await Binary.run(["report", "--morning", "--date", "2025-10-08", "--state-dir", state, "--config", config()], env: env)
        #expect(morning.stdout.contains("API calls: 1 remote (the Architect: 900 + 150 tokens)"), "\(morning.stdout)")
        #expect(morning.stdout.contains("Cost: $0.0026 of the night's $0.50 cap"))
        let status = try await Binary.run(["status", "--state-dir", state])
        #expect(status.stdout.contains("night ending 2025-10-08: 1 call, 1,050 tokens, $0.0026 of $0.50 cap"), "\(status.stdout)")
    }

    @Test func aMorningReportNotStoredIsComputedAndSaysSo() async throws {
        let (_, state) = try await twoCycles()
        let env = ["TZ": "UTC"]
        let text = try await Binary.run(["report", "--morning", "--date", "2025-10-08", "--state-dir", state, "--config", config()], env: env)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("CONSTITUTIONAL CONSCIOUSNESS - MORNING REPORT"))
        #expect(text.stdout.contains("no morning report was stored for this date"))
        // Scheduled from when the store's first cycle began watching (00:00), not the
        // night's start (07:00 the day before): 00:00–06:00, 7 slots.
        #expect(text.stdout.contains("Cycles: 2 completed of 7 scheduled (every 1 h)"))
        #expect(text.stdout.contains("Narrative (template):"))
        #expect(text.stdout.contains("Cost: $0.00"))
        let json = try await Binary.run(["report", "--morning", "--date", "2025-10-08", "--json", "--state-dir", state,
                                   "--config", config()], env: env)
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(obj["origin"] as? String == "computed")
        #expect((obj["narrative"] as? [String: Any])?["author"] as? String == "template")
        #expect((obj["cycles"] as? [String: Any])?["completed"] as? Int == 2)
    }

    @Test(arguments: [
        (["report", "--morning", "--date", "2025-02-30"], 64, "is not a date YYYY-MM-DD"),
        (["report", "--date", "2025-10-08"], 64, "--date needs --morning"),
        (["report", "--cycle", "0"], 64, "--cycle must be 1 or more"),
        (["report", "--morning", "--cycle", "2"], 64, "exclude each other"),
        (["cycle", "--log", "/nonexistent", "--metrics-file", "/tmp/m.txt"], 64, "must end in .prom"),
    ])
    func badInputIsRefusedWithAReason(args: [String], status: Int32, message: String) async throws {
        let r = try await Binary.run(args + ["--state-dir", dir + "/s"])
        #expect(r.status == status)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func aReportWithoutStateSaysThereIsNone() async throws {
        let r = try await Binary.run(["report", "--morning", "--state-dir", dir + "/empty"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("no cycle has run yet"))
    }

    /// A first ingest past 32 MiB draws a bar on a terminal, and nothing on a pipe.
    @Test func theProgressBarShowsOnATerminalOnly() async throws {
        let log = dir + "/big.jsonl"
        let s = try await Binary.run(["sample", "--output", log, "--lines", "170000", "--days", "20", "--end", "2025-10-08T00:00:00Z"])
        #expect(s.status == 0)
        let size = try FileManager.default.attributesOfItem(atPath: log)[.size] as! Int
        #expect(size > 32 << 20)
        let piped = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/piped", "--now", "2025-10-08T00:00:00Z"])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty)
        // script(1) gives the command a terminal and copies what it wrote.
        let command = "\(Binary.path) cycle --log \(log) --state-dir \(dir)/tty --now 2025-10-08T00:00:00Z >/dev/null"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", command, "/dev/null"]
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let seen = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(seen.contains("reading "))
        #expect(seen.contains("% of 39 MB"))
        #expect(seen.contains("\u{1B}[K"))  // cleared at the end
    }
}

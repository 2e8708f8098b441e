import FeedbackLoop
import Foundation
import OllamaSimulator
import SampleLog
import StateStore
import Testing

/// The remote Architect's ledger against a real SIGKILL: the daemon, in hybrid mode
/// with no local Ollama, reserves the morning call, sends it to an API that never
/// answers, and is killed. The reservation survives at its worst case, and the
/// restarted daemon does not make a call that could cross the cap.
@Suite(.serialized) struct HybridLedgerTests {
    static let key = "sk-ledger-test-0123456789"

    func daemon(_ env: [String: String], state: String) throws -> Process { try Binary.daemon(state: state, env: env) }

    func waitUntil(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func theLedgerHoldsTheCapAcrossASIGKILL() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = dir + "/state", log = dir + "/violations.jsonl", keyFile = dir + "/key"
        try (Self.key + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        try SampleLog(lines: 20_000, days: 3, end: now).write(to: log)
        // A cycle's proposals, then a store whose last morning report was two days ago:
        // today's (at 00:00 UTC) is due the moment the daemon starts.
        #expect(try await Binary.run(["cycle", "--log", log, "--state-dir", state]).status == 0)
        let utc = TimeZone(identifier: "UTC")!
        let today = Night.localDate(of: now, in: utc)
        try StateStore(directory: state).setMeta(StateStore.lastMorningReportKey, today.adding(days: -2).description)

        var c = SimulatorConfiguration()
        c.apiKey = Self.key
        c.meminfoPath = dir + "/remote-meminfo"
        let api = OllamaSimulator(configuration: c)
        try await api.start()
        defer { Task { try? await api.stop() } }
        await api.inject(.stall, count: 1, path: "/v1/chat/completions")
        var env = [
            "TZ": "UTC", "VIOLATIONS_LOG": log, "CYCLE_INTERVAL": "1h", "RUN_AT_START": "false", "MORNING_REPORT_AT": "00:00",
            "MODEL_STAGES": "auto", "OLLAMA_HOST": "127.0.0.1:9",  // nothing listens: the local Architect cannot serve
            "AGENCY_MODE": "hybrid", "ARCHITECT_API_BASE": await api.baseURL + "/v1", "ARCHITECT_API_MODEL": "codestral:22b-v0.1-q4_K_M",
            "ARCHITECT_API_KEY_FILE": keyFile, "API_BUDGET_USD_PER_NIGHT": "5",
            "ARCHITECT_API_INPUT_USD_PER_MTOK": "1.25", "ARCHITECT_API_OUTPUT_USD_PER_MTOK": "10", "STAGE_TIMEOUT": "10m",
        ]
        let first = try daemon(env, state: state)
        let sent = try await waitUntil(60) { await api.requestCount(path: "/v1/chat/completions") == 1 }
        #expect(sent, "the daemon never called the remote Architect")
        try await Task.sleep(for: .milliseconds(200))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()

        // The call was reserved before it was sent; killed before an answer, it stays
        // counted at its worst case.
        let store = try StateStore(directory: state)
        let calls = try store.remoteCalls(night: today)
        let reserved = try #require(calls.first)
        #expect(calls.count == 1 && reserved.state == "reserved" && reserved.costUSD == nil)
        #expect(reserved.reservedUSD > 0 && reserved.payload.contains("\"messages\""))
        #expect(try store.remoteSpend(night: today).spentUSD == reserved.reservedUSD)
        #expect(try store.morningReport(date: today.description) == nil)

        // Restarted with a cap of one and a half worst cases: the report is due again,
        // and a second call could cross the cap — so it is not made, and the report says so.
        await api.clearFaults()
        env["API_BUDGET_USD_PER_NIGHT"] = String(reserved.reservedUSD * 1.5)
        let second = try daemon(env, state: state)
        let written = try await waitUntil(60) { try store.morningReport(date: today.description) != nil }
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        #expect(written, "the restarted daemon wrote no morning report")
        #expect(await api.requestCount(path: "/v1/chat/completions") == 1, "a call that could cross the cap was made")
        let after = try store.remoteCalls(night: today)
        #expect(after.count == 2 && after[0].state == "reserved" && after[1].state == "refused")
        let json = try #require(try store.morningReport(date: today.description)?.json)
        let report = try MorningReport.decode(json: json)
        #expect(report.apiCalls.remote == 1 && report.apiCalls.refusedByCap == 1)
        #expect(report.apiCalls.costUsd == reserved.reservedUSD)
        #expect(report.narrative.author == Narrative.templateAuthor)
        #expect(report.narrative.note?.contains("would cross the night's cap") == true, "\(report.narrative.note ?? "")")
        print("hybrid ledger after SIGKILL: 1 call reserved at $\(Format.fixed(reserved.reservedUSD, 4)) and kept; "
              + "restarted under a cap of $\(Format.fixed(reserved.reservedUSD * 1.5, 4)): the next call not made")
    }
}

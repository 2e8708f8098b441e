import Cycle
import FeedbackLoop
import Foundation
import Logging
import OllamaSimulator
import SimulatorTestKit
import StateStore
import Testing
import Trinity
@testable import Workers

/// AGENCY_MODE=hybrid against an OpenAI-compatible endpoint served by a second
/// simulator (keyed, as a hosted API is): the remote Architect is asked only when the
/// local one cannot serve, within the night's cap, booked in the store, and every
/// failure is a fallback with its reason.
@Suite(.serialized) struct RemoteArchitectTests {
    static let key = "sk-test-0123456789abcdef"
    static let utc = TimeZone(identifier: "UTC")!
    static let time = ClockTime(hour: 7, minute: 0)
    static var night: Night {
        Night.ending(on: Night.latestDate(atOrBefore: CycleRig.end + 3_600_000_000, at: time, in: utc), at: time, in: utc)
    }

    /// A cycle's proposals in the store, a remote API, and the Architect's local model
    /// not pulled: the morning narrative must come from the remote one, or say why not.
    struct Rig {
        let cycle: CycleRig
        let remote: OllamaSimulator
        let keyFile: String
        var store: StateStore { cycle.store }

        func settings(budget: Double, maxTokens: Int = 1024) async -> RemoteSettings {
            RemoteSettings(base: await remote.baseURL + "/v1", model: SimulatedOllama.trinity[.architect]!,
                           key: .file(keyFile), budgetUSDPerNight: budget, inputUSDPerMillion: 1.25, outputUSDPerMillion: 10,
                           maxTokens: maxTokens)
        }

        /// The morning report with the hybrid narrator.
        func morning(budget: Double = 1, deadline: Duration = .seconds(20), local: String = "codestral:not-pulled",
                     maxTokens: Int = 1024) async throws -> MorningReport {
            var models = CycleRig.models
            models[.architect] = local
            let workers = ModelWorkers(client: cycle.client, governor: cycle.governor, models: models, logger: Logger(label: "remote-test"))
            let architect = RemoteArchitect(settings: await settings(budget: budget, maxTokens: maxTokens), store: store, deadline: deadline,
                                            clock: { CycleRig.end + 3_600_000_000 }, logger: Logger(label: "remote-test"))
            return try await MorningReporter(store: store).make(
                RemoteArchitectTests.night, zone: RemoteArchitectTests.utc, cycleIntervalSeconds: 3600,
                generatedAt: CycleRig.end + 3_600_000_000, origin: .daemon, narrator: workers.narrator(remote: architect))
        }

        var calls: [StateStore.RemoteCallRecord] { (try? store.remoteCalls(night: RemoteArchitectTests.night.date)) ?? [] }
        func sent() async -> Int { await remote.requestCount(path: "/v1/chat/completions") }
    }

    /// `hosted: false`: the remote is an Ollama's own `/v1` (no key, `max_tokens` only).
    static func with(appending lines: [String] = [], hosted: Bool = true, _ body: (Rig) async throws -> Void) async throws {
        try await CycleRig.with { cycle in
            if !lines.isEmpty {
                let h = try FileHandle(forWritingTo: URL(fileURLWithPath: cycle.log))
                try h.seekToEnd()
                try h.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
                try h.close()
            }
            _ = try await cycle.cycle()
            #expect(try !cycle.store.pendingProposals().isEmpty)
            var c = SimulatorConfiguration()
            c.apiKey = hosted ? key : nil
            c.meminfoPath = cycle.dir + "/remote-meminfo"
            let remote = OllamaSimulator(configuration: c)
            try await remote.start()
            let keyFile = cycle.dir + "/architect_api_key"
            try (key + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
            // Stopped whatever the body did (a test may have stopped it already).
            do { try await body(Rig(cycle: cycle, remote: remote, keyFile: keyFile)) } catch {
                try? await remote.stop()
                throw error
            }
            try? await remote.stop()
        }
    }

    @Test func theRemoteArchitectServesWhenTheLocalOneCannot() async throws {
        try await Self.with { rig in
            let m = try await rig.morning()
            #expect(m.narrative.author.contains("(remote, 127.0.0.1)"), "\(m.narrative)")
            #expect(m.narrative.ranking.sorted() == (try rig.store.pendingProposals()).map(\.id).sorted())
            let call = try #require(rig.calls.first)
            #expect(rig.calls.count == 1 && call.state == "booked" && call.outcome == "used")
            // Booked at the answer's usage and the configured prices, below the reserved worst case.
            let spend = try rig.store.remoteSpend(night: Self.night.date)
            #expect(spend.promptTokens > 0 && spend.completionTokens > 0)
            let settings = await rig.settings(budget: 1)
            #expect(abs(spend.spentUSD - settings.cost(prompt: spend.promptTokens, completion: spend.completionTokens)) < 1e-12)
            #expect(spend.spentUSD < call.reservedUSD)
            // The report's API calls and Cost are the ledger's.
            #expect(m.apiCalls.remote == 1 && m.apiCalls.costUsd == spend.spentUSD && m.apiCalls.capUsd == 1)
            #expect(m.text().contains("API calls: 1 remote (the Architect: "))
            #expect(m.text().contains("of the night's $1.00 cap"))
            // Only the Architect went remote: the remote API saw one chat completion and nothing else.
            #expect(await rig.sent() == 1)
            let chats = await rig.remote.requestCount(path: "/api/chat"), embeds = await rig.remote.requestCount(path: "/api/embed")
            #expect(chats == 0 && embeds == 0)
        }
    }

    /// The local Architect answers: nothing leaves the machine, the ledger stays empty.
    @Test func aLocalArchitectThatServesKeepsTheNightLocal() async throws {
        try await Self.with { rig in
            let m = try await rig.morning(local: CycleRig.models[.architect]!)
            #expect(m.narrative.author == CycleRig.shown(.architect), "\(m.narrative)")
            #expect(await rig.sent() == 0 && rig.calls.isEmpty)
            #expect(m.apiCalls.remote == 0 || m.apiCalls.remote == nil)
        }
    }

    /// Reserved at the worst case before sending: a call fits when what was spent plus
    /// its worst case is the cap exactly, and the next one, which would cross it, is not made.
    @Test func theCapHoldsAtItsEdge() async throws {
        try await Self.with { rig in
            // Every answer refused (fluent words about nothing): none is kept, so each report asks again.
            await rig.remote.inject(.salad, count: 10, path: "/api/chat")
            _ = try await rig.morning(budget: 1)
            let first = try #require(rig.calls.first)
            let spent = try rig.store.remoteSpend(night: Self.night.date).spentUSD
            let edge = spent + first.reservedUSD  // the same night, the same prompt: the same worst case
            let second = try await rig.morning(budget: edge)
            #expect(rig.calls.count == 2 && rig.calls[1].state == "booked", "exactly at the cap, the call is made")
            #expect(second.narrative.note?.contains("remote Architect") == true, "\(second.narrative.note ?? "")")
            #expect(await rig.sent() == 2)
            let third = try await rig.morning(budget: edge)
            #expect(await rig.sent() == 2, "a call that could cross the cap is not made")
            #expect(rig.calls.last?.state == "refused" && rig.calls.last?.payload == "")
            #expect(third.narrative.author == Narrative.templateAuthor)
            #expect(third.narrative.note?.contains("would cross the night's cap") == true, "\(third.narrative.note ?? "")")
            #expect(third.apiCalls.refusedByCap == 1 && third.text().contains("1 not made"))
            let spend = try rig.store.remoteSpend(night: Self.night.date)
            #expect(spend.spentUSD <= edge && spend.calls == 2 && spend.refusedByCap == 1)
        }
    }

    /// Each failure is a fallback with its reason; what it is booked at depends on
    /// whether the API may have done the work (no answer) or said it did not (a refusal).
    @Test(arguments: [(Fault.unauthorized, "refused", false), (.forbidden, "refused", false),
                      (.serverError, "server_error", false), (.badGateway, "malformed", true), (.malformed, "malformed", true), (.down, "malformed", true),
                      (.stall, "timeout", true)])
    func eachFailureIsAFallbackWithItsReason(fault: Fault, kind: String, bookedAtWorst: Bool) async throws {
        try await Self.with { rig in
            await rig.remote.inject(fault, count: 10, path: "/v1/chat/completions")
            let m = try await rig.morning(deadline: .seconds(2))
            #expect(m.narrative.author == Narrative.templateAuthor, "\(fault): \(m.narrative)")
            let note = m.narrative.note ?? ""
            #expect(note.contains("not pulled") && note.contains("remote Architect"), "\(fault): \(note)")
            let call = try #require(rig.calls.first)
            #expect(call.state == "booked" && call.outcome == kind, "\(fault): \(call)")
            #expect((call.costUSD ?? -1) == (bookedAtWorst ? call.reservedUSD : 0), "\(fault): \(call)")
        }
    }

    /// An API that ignores `max_completion_tokens` (an Ollama's own `/v1` reads
    /// `max_tokens` only) answers past the reservation: the call is booked at what its
    /// usage says, named for it, and no further call is made that night.
    @Test func anAPIThatIgnoresTheTokenLimitIsAskedNoMoreThatNight() async throws {
        try await Self.with(hosted: false) { rig in
            await rig.remote.inject(.salad, count: 1, path: "/api/chat")  // refused: no answer kept for the next report
            _ = try await rig.morning(maxTokens: 8)
            let call = try #require(rig.calls.first)
            #expect(call.outcome == "over_reservation" && call.state == "booked" && (call.costUSD ?? 0) > 0, "\(call)")
            #expect(call.reason?.contains("for a limit of 8") == true, "\(call)")
            #expect(call.reason?.contains("does not honour max_completion_tokens") == true, "\(call)")
            let again = try await rig.morning(maxTokens: 8)
            #expect(await rig.sent() == 1 && rig.calls.count == 1)
            #expect(again.narrative.author == Narrative.templateAuthor)
            #expect(again.narrative.note?.contains("cost more than its reservation") == true, "\(again.narrative.note ?? "")")
        }
    }

    /// A morning report made again for the same night (a restart before it was marked
    /// written) asks the same question: the used answer is read from the ledger, checked
    /// again, and nothing is sent or paid twice.
    @Test func aRetriedReportReadsTheNightsAnswerInsteadOfPayingTwice() async throws {
        try await Self.with { rig in
            let first = try await rig.morning()
            let again = try await rig.morning()
            #expect(await rig.sent() == 1 && rig.calls.count == 1)
            #expect(again.narrative.author == first.narrative.author && again.narrative.text == first.narrative.text)
            #expect(again.narrative.ranking == first.narrative.ranking && again.apiCalls.remote == 1)
            #expect(again.apiCalls.costUsd == first.apiCalls.costUsd)
        }
    }

    /// Nothing listening: no request left, so nothing is booked.
    @Test func anAPIThatIsNotThereCostsNothing() async throws {
        try await Self.with { rig in
            try await rig.remote.stop()
            let m = try await rig.morning(deadline: .seconds(5))
            #expect(m.narrative.author == Narrative.templateAuthor)
            #expect(m.narrative.note?.contains("unreachable") == true, "\(m.narrative.note ?? "")")
            let call = try #require(rig.calls.first)
            #expect(call.outcome == "unreachable" && call.costUSD == 0, "\(call)")
        }
    }

    @Test func aWrongKeyIsRefusedAndNeverLogged() async throws {
        try await Self.with { rig in
            try "sk-wrong-key\n".write(toFile: rig.keyFile, atomically: true, encoding: .utf8)
            let m = try await rig.morning()
            #expect(rig.calls.first?.outcome == "refused")
            // The API quotes the wrong key back, masked ("sk-*****-key"): not even that is kept.
            #expect(m.narrative.note?.contains("401") == true && m.narrative.note?.contains("Incorrect API key provided: [key]") == true,
                    "\(m.narrative.note ?? "")")
            #expect(!m.json().contains("sk-") && !(rig.calls.first?.payload.contains("sk-") ?? true))
            let reason = rig.calls.first?.reason ?? ""
            #expect(reason.contains("[key]") && !reason.contains("sk-") && !reason.contains("***"), "\(reason)")
        }
    }

    /// 429: Retry-After is waited out when it ends before the deadline, else not at all.
    @Test func rateLimitsAreWaitedOutWithinTheDeadlineOnly() async throws {
        try await Self.with { rig in
            await rig.remote.setRetryAfter(seconds: 1)
            await rig.remote.inject(.rateLimited, count: 1, path: "/v1/chat/completions")
            let start = ContinuousClock.now
            let m = try await rig.morning(deadline: .seconds(10))
            #expect(ContinuousClock.now - start >= .seconds(1))
            #expect(m.narrative.author.contains("remote"), "\(m.narrative)")
            #expect(await rig.sent() == 2 && rig.calls.count == 1 && rig.calls[0].outcome == "used")
        }
        try await Self.with { rig in
            await rig.remote.setRetryAfter(seconds: 30)
            await rig.remote.inject(.rateLimited, count: 1, path: "/v1/chat/completions")
            let start = ContinuousClock.now
            let m = try await rig.morning(deadline: .seconds(3))
            #expect(ContinuousClock.now - start < .seconds(3), "a Retry-After past the deadline is not waited for")
            #expect(m.narrative.note?.contains("rate limited (429), Retry-After 30 s past the deadline") == true, "\(m.narrative.note ?? "")")
            #expect(rig.calls.first?.outcome == "rate_limited" && rig.calls.first?.costUSD == 0)
        }
    }

    /// An answer without usage is used, and booked at its worst case.
    @Test func anAnswerWithoutUsageIsBookedAtTheWorstCase() async throws {
        try await Self.with { rig in
            await rig.remote.inject(.noUsage, count: 1, path: "/v1/chat/completions")
            let m = try await rig.morning()
            #expect(m.narrative.author.contains("remote"))
            let call = try #require(rig.calls.first)
            #expect(call.outcome == "used" && call.costUSD == call.reservedUSD)
        }
    }

    /// The remote answer passes the local Architect's checks: cut off, invented figures
    /// and word salad are refused, and the template stands.
    @Test(arguments: [Fault.truncated, .sloppy, .salad])
    func theRemoteAnswerPassesTheSameChecks(fault: Fault) async throws {
        try await Self.with { rig in
            await rig.remote.inject(fault, count: 10)
            let m = try await rig.morning()
            #expect(m.narrative.author == Narrative.templateAuthor, "\(fault): \(m.narrative)")
            #expect(rig.calls.first?.outcome == "rejected", "\(fault)")
            #expect((rig.calls.first?.costUSD ?? 0) > 0, "a refused answer was still billed")
        }
    }

    /// What leaves the machine is aggregates: the stored payload — the exact bytes sent —
    /// holds no log line, path, event id, timestamp or error text, though the log did.
    @Test func thePayloadHoldsNoRawLogText() async throws {
        let secrets = ["/home/alice/agency/secret_plan.py", "evt-7f3a9c21d4e8b6", "SECRETMARKER", "token=hunter2"]
        let lines = (0..<40).map { i in
            #"{"timestamp": "2025-10-09T08:\#(10 + i % 40):00+00:00", "event_id": "evt-7f3a9c21d4e8b6-\#(i)", "function": "run_quality_gate", "#
                + #""error": "Article III: SECRETMARKER bypassed in /home/alice/agency/secret_plan.py token=hunter2", "severity": "HIGH"}"#
        }
        try await Self.with(appending: lines) { rig in
            let m = try await rig.morning()
            #expect(m.narrative.author.contains("remote"))
            let payload = try #require(rig.calls.first?.payload)
            for s in secrets { #expect(!payload.contains(s), "\(s) left the machine") }
            let log = try String(contentsOfFile: rig.cycle.log, encoding: .utf8)
            for line in log.split(separator: "\n").prefix(2000) {
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                for key in ["timestamp", "error"] {
                    if let v = o[key] as? String { #expect(!payload.contains(v), "the log's \(key) \(v) left the machine") }
                }
            }
            // What it does hold: the night's aggregates — a pattern's name and its count.
            #expect(payload.contains("run_quality_gate") && payload.contains("violations in"))
            let sent = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
            #expect(sent?["model"] as? String == CycleRig.models[.architect])
            #expect((sent?["messages"] as? [[String: Any]])?.count == 2)
        }
    }
}

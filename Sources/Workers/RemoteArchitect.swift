import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore
import Trinity

/// The Architect on a remote OpenAI-compatible API (AGENCY_MODE=hybrid), asked only
/// when the local one cannot serve. Each call is reserved at its worst case against the
/// night's cap before it is sent, booked at its cost after, and its exact payload kept:
/// the night's aggregates (counts, pattern names, articles, trends, proposals'
/// confidence), the same prompt the local Architect reads — never a log line, a path or
/// an event id, which the prompt never holds. Its answer passes the same checks.
public struct RemoteArchitect: Sendable {
    let client: RemoteClient
    let store: StateStore
    /// The whole call's deadline, 429 waits included (STAGE_TIMEOUT).
    let deadline: Duration
    let clock: @Sendable () -> Microseconds
    let logger: Logger

    public init(settings: RemoteSettings, store: StateStore, deadline: Duration,
                clock: @escaping @Sendable () -> Microseconds, logger: Logger) {
        self.client = RemoteClient(settings: settings)
        self.store = store
        self.deadline = deadline
        self.clock = clock
        self.logger = logger
    }

    var settings: RemoteSettings { client.settings }
    var shownName: String { "\(settings.model) (remote, \(settings.host))" }

    /// The request for the night's plan: what would leave the machine, byte for byte.
    public static func request(pending: [NightPlan.Item], facts: [String], settings: RemoteSettings) -> OpenAIChat.Request {
        let (system, user) = NightPlan.prompt(pending: pending, facts: facts)
        return OpenAIChat.Request(model: settings.model,
                                  messages: [.init(role: "system", content: system), .init(role: "user", content: user)],
                                  maxTokens: settings.maxTokens, schema: ModelWorkers.planSchema(pending.map(\.id)))
    }

    /// The night's plan, or why there is none.
    func plan(pending: [NightPlan.Item], facts: [String], report: MorningReport) async -> (plan: NightPlan?, note: String) {
        let request = Self.request(pending: pending, facts: facts, settings: settings)
        let body = request.encoded()
        let worst = WorstCase(request, settings: settings)
        if let kept = keptAnswer(night: report.night.date, body: body, pending: pending.map(\.id), report: report) { return kept }
        if let stop = overspentTonight(report.night.date) { return (nil, stop) }
        let reservation: StateStore.Reservation
        do {
            reservation = try store.reserveRemoteCall(.init(
                night: report.night.date, startedAt: clock(), host: settings.host, model: settings.model,
                capUSD: settings.budgetUSDPerNight, worstCaseUSD: worst.usd, payload: String(decoding: body, as: UTF8.self)))
        } catch {
            return (nil, "remote Architect not asked: its ledger cannot be written (\(error))")
        }
        switch reservation {
        case .overCap(let spent):
            let why = "remote Architect not asked: its worst case, $\(Format.fixed(worst.usd, 4)) (\(worst.promptTokens) + \(worst.completionTokens) tokens), "
                + "would cross the night's cap ($\(Format.fixed(spent, 4)) of $\(Format.fixed(settings.budgetUSDPerNight, 2)) spent)"
            logger.warning("\(why)", metadata: ["remote_host": "\(settings.host)", "outcome": "over_cap"])
            return (nil, why)
        case .reserved(let id, _):
            return await call(id: id, body: body, worst: worst, pending: pending.map(\.id), report: report)
        }
    }

    /// The night's earlier answer to this very payload, if one was used: checked again,
    /// and used without a second call.
    private func keptAnswer(night: LocalDate, body: Data, pending: [Int64],
                            report: MorningReport) -> (plan: NightPlan?, note: String)? {
        guard let kept = try? store.remoteAnswer(night: night, host: settings.host, payload: String(decoding: body, as: UTF8.self)) else { return nil }
        let again = RemoteCompletion(text: kept.answer, finishReason: "stop", usage: nil)
        guard case .success(let plan) = Self.judge(.success(again), pending: pending, report: report) else { return nil }
        logger.info("architect (\(shownName)): call \(kept.id)'s answer to the same night, kept; no second call",
                    metadata: ["remote_host": "\(settings.host)", "outcome": "kept"])
        return (plan, "answered by \(shownName) (call \(kept.id), kept from the night's earlier report)")
    }

    /// A call tonight cost more than its reservation: the API does not honour the token
    /// limit (Ollama's own `/v1` reads `max_tokens` only), so no reservation bounds the
    /// next one either, and none is made until the next night.
    private func overspentTonight(_ night: LocalDate) -> String? {
        let calls: [StateStore.RemoteCallRecord]
        do { calls = try store.remoteCalls(night: night) } catch {
            return "remote Architect not asked: its ledger cannot be read (\(error))"
        }
        guard let over = calls.last(where: { $0.outcome == Self.overReservation }) else { return nil }
        return "remote Architect not asked: call \(over.id) tonight cost more than its reservation "
            + "(\(over.reason ?? "")); no further call until the next night"
    }

    static let overReservation = "over_reservation"

    private func call(id: Int64, body: Data, worst: WorstCase, pending: [Int64],
                      report: MorningReport) async -> (plan: NightPlan?, note: String) {
        let result: Result<RemoteCompletion, RemoteError>
        do { result = .success(try await client.complete(body, within: deadline)) } catch { result = .failure(error) }
        let judged = Self.judge(result, pending: pending, report: report)
        var booking = Self.booking(result, judged: judged, worst: worst, settings: settings, at: clock())
        if case .success = judged, case .success(let c) = result { booking.answer = c.text }
        do { try store.bookRemoteCall(id: id, booking) } catch {
            // Unbooked, the call stays reserved at its worst case: the cap still holds.
            logger.error("remote call \(id) not booked (its worst case stays counted): \(error)")
        }
        log(booking, worst: worst)
        switch judged {
        case .success(let plan): return (plan, "answered by \(shownName)")
        case .failure(let why): return (nil, "remote Architect (\(shownName)): \(why)")
        }
    }

    /// The answer's plan, or why it cannot be used: the local Architect's checks.
    static func judge(_ r: Result<RemoteCompletion, RemoteError>, pending: [Int64],
                      report: MorningReport) -> Result<NightPlan, Refusal> {
        let c: RemoteCompletion
        switch r {
        case .failure(let e): return .failure(Refusal("\(e); template used"))
        case .success(let got): c = got
        }
        if c.finishReason == "length" { return .failure(Refusal("answer cut at the token limit (finish_reason: length); template used")) }
        switch NightPlan.validate(c.text, pending: pending) {
        case .failure(let p): return .failure(Refusal("answer rejected: \(p); template used"))
        case .success(let plan):
            if let problem = NarrativeCheck.problem(plan.summary, report) {
                return .failure(Refusal("narrative refused: \(problem); template used"))
            }
            return .success(plan)
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// What the call is booked at: the answer's usage at the configured prices; without
    /// usage (or without an answer that says nothing was done), its worst case.
    static func booking(_ r: Result<RemoteCompletion, RemoteError>, judged: Result<NightPlan, Refusal>,
                        worst: WorstCase, settings: RemoteSettings, at now: Microseconds) -> StateStore.RemoteBooking {
        let outcome: String
        switch (r, judged) {
        case (.failure(let e), _): outcome = e.kind
        case (.success, .success): outcome = "used"
        case (.success, .failure): outcome = "rejected"
        }
        let reason = (try? judged.get()) == nil ? (judged.failureText ?? "") : nil
        switch r {
        case .success(let c):
            if let u = c.usage {
                let cost = settings.cost(prompt: u.prompt_tokens, completion: u.completion_tokens)
                if u.completion_tokens > worst.completionTokens || u.prompt_tokens > worst.promptTokens || cost > worst.usd {
                    let side = u.completion_tokens > worst.completionTokens
                        ? "\(u.completion_tokens) completion tokens for a limit of \(worst.completionTokens): it does not honour max_completion_tokens"
                        : "\(u.prompt_tokens) prompt tokens against a bound of \(worst.promptTokens): it counts what it was sent differently"
                    let over = "the API answered with \(side) ($\(Format.fixed(cost, 4)) booked, $\(Format.fixed(worst.usd, 4)) reserved), "
                        + "so no reservation bounds its calls"
                    return .init(outcome: overReservation, reason: over + (reason.map { "; \($0)" } ?? ""),
                                 promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens,
                                 costUSD: cost, usageReported: true, finishedAt: now)
                }
                return .init(outcome: outcome, reason: reason, promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens,
                             costUSD: cost, usageReported: true, finishedAt: now)
            }
            return .init(outcome: outcome, reason: reason, promptTokens: worst.promptTokens, completionTokens: worst.completionTokens,
                         costUSD: worst.usd, usageReported: false, finishedAt: now)
        case .failure(let e):
            let billed = e.mayHaveBilled
            return .init(outcome: outcome, reason: reason, promptTokens: billed ? worst.promptTokens : 0,
                         completionTokens: billed ? worst.completionTokens : 0, costUSD: billed ? worst.usd : 0,
                         usageReported: false, finishedAt: now)
        }
    }

    private func log(_ b: StateStore.RemoteBooking, worst: WorstCase) {
        let meta: Logger.Metadata = [
            "role": "architect", "remote_host": "\(settings.host)", "model": "\(settings.model)", "outcome": "\(b.outcome)",
            "prompt_tokens": "\(b.promptTokens)", "completion_tokens": "\(b.completionTokens)",
            "cost_usd": "\(Format.fixed(b.costUSD, 6))", "worst_case_usd": "\(Format.fixed(worst.usd, 6))",
            "usage_reported": "\(b.usageReported)", "cap_usd": "\(Format.fixed(settings.budgetUSDPerNight, 2))",
        ]
        if b.outcome == Self.overReservation {
            logger.error("architect (\(shownName)) cost more than its reservation: \(b.reason ?? "")", metadata: meta)
        } else if let why = b.reason {
            logger.warning("architect (\(shownName)) fell back: \(why)", metadata: meta)
        } else {
            logger.info("architect (\(shownName)): \(b.promptTokens) + \(b.completionTokens) tokens, $\(Format.fixed(b.costUSD, 4))",
                        metadata: meta)
        }
    }
}

private extension Result where Failure == RemoteArchitect.Refusal {
    var failureText: String? { if case .failure(let f) = self { f.description } else { nil } }
}

import Cycle
import FeedbackLoop
import Logging
import Trinity

/// The Trinity at work inside a cycle: every call under a governor lease that sizes
/// its `num_ctx`, timed, logged to the journal with its cost, and turned into a
/// record the report carries — or into a fallback that says why.
public struct ModelWorkers: ModelStages {
    let client: OllamaClient
    let governor: Governor
    let models: [Role: String]
    let logger: Logger

    /// The context each role asks for; the governor's plan may grant less.
    static let wantedContext: [Role: Int] = [.controller: 4096, .embedder: 512, .builder: 8192, .architect: 8192]

    public init(client: OllamaClient, governor: Governor, models: [Role: String], logger: Logger) {
        self.client = client
        self.governor = governor
        self.models = models
        self.logger = logger
    }

    public var embedderID: String? { models[.embedder].map { "ollama:\($0)" } }

    /// Re-reads what Ollama has each cycle: a model pulled since the last one is used,
    /// and a restarted Ollama is adopted.
    public func begin() async -> String? {
        do {
            try await governor.prepare(models: models)
            return nil
        } catch {
            logger.warning("Ollama not available (\(error)); model stages fall back this cycle",
                           metadata: ["error": "\(error.kind)"])
            return "\(error)"
        }
    }

    /// When the cycle's model work is done: the governor unloads what the next cycle
    /// does not need and extends the keep_alive of what it keeps.
    public func end() async -> [String] {
        await governor.endCycle().map(\.description)
    }

    /// Why an answer cut at the token limit cannot be used, if it was.
    static func cutOff(_ c: Completion, _ who: String) -> String? {
        c.truncated ? "\(who) answer cut at the token limit (done_reason: length); template used" : nil
    }

    /// What a model call produced: a value, or why it is not usable.
    enum Outcome<T> {
        case value(T)
        case unusable(String)
    }

    /// One model call under a lease. `body` returns its value or why the answer is
    /// not usable; transport failures and refusals become fallbacks, and a role that
    /// cannot answer at all (unreachable, missing, refused) is marked so the stage
    /// stops asking it this cycle.
    func call<T: Sendable>(_ role: Role, stage: Stage,
                           _ body: (Lease) async throws(OllamaError) -> (Outcome<T>, CallMetrics)) async -> ModelAnswer<T> {
        let model = models[role] ?? "none"
        var record = ModelCallRecord(role: role.rawValue, model: model, stage: stage, outcome: .fallback)
        let lease: Lease
        do {
            lease = try await governor.lease(role, wantedContext: Self.wantedContext[role] ?? 4096)
        } catch {
            record.fallbackReason = "governor refused: \(error.reason)"
            log(record)
            return ModelAnswer(value: nil, call: record, roleUnavailable: true)
        }
        record.numCtx = lease.contextTokens
        let answer = await run(lease, record, body)
        // Released before the next lease is asked for, so the model may be evicted for it.
        await governor.release(lease)
        return answer
    }

    private func run<T: Sendable>(_ lease: Lease, _ r: ModelCallRecord,
                                  _ body: (Lease) async throws(OllamaError) -> (Outcome<T>, CallMetrics)) async -> ModelAnswer<T> {
        var record = r
        do {
            let (outcome, m) = try await body(lease)
            record.metrics = m
            record.metrics.loadSeconds += lease.loadSeconds  // the governor's load, before the call
            switch outcome {
            case .value(let v):
                record.outcome = .used
                log(record)
                return ModelAnswer(value: v, call: record)
            case .unusable(let why):
                record.fallbackReason = why
                log(record)
                return ModelAnswer(value: nil, call: record)
            }
        } catch {
            record.fallbackReason = error.description
            log(record)
            let fatal: Bool
            switch error {
            case .unreachable, .modelNotFound, .timeout, .refusedNonLocal: fatal = true
            case .server, .malformedResponse, .streamCut, .modelFailed: fatal = false
            }
            return ModelAnswer(value: nil, call: record, roleUnavailable: fatal)
        }
    }

    /// One journal entry per call, its cost in fields of their own.
    private func log(_ r: ModelCallRecord) {
        var meta: Logger.Metadata = [
            "role": "\(r.role)", "model": "\(r.model)", "stage": "\(r.stage)", "outcome": "\(r.outcome.rawValue)",
            "load_ms": "\(Int(r.loadSeconds * 1000))", "latency_ms": "\(Int(r.latencySeconds * 1000))",
            "tokens_per_s": "\(Format.fixed(r.tokensPerSecond, 1))", "context_use": "\(Format.fixed(r.contextUse, 3))",
            "num_ctx": "\(r.numCtx)",
        ]
        if let why = r.fallbackReason {
            meta["fallback"] = "\(why)"
            logger.warning("\(r.role) (\(r.model)) fell back: \(why)", metadata: meta)
        } else {
            let cost = "\(Int(r.latencySeconds * 1000)) ms, load \(Int(r.loadSeconds * 1000)) ms, "
                + "\(r.speed), context \(Int(r.contextUse * 100))% of \(r.numCtx)"
            logger.info("\(r.role) (\(r.modelShown)): \(cost)", metadata: meta)
        }
    }
}

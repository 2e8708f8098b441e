import FeedbackLoop
import Logging
import ServiceLifecycle
import Systemd
import Trinity
import UnixSignals

/// The daemon as a swift-service-lifecycle `Service`: the supervisor's loop, the
/// watchdog pinger and the signal handler run as child tasks; graceful shutdown
/// (SIGTERM, from the ServiceGroup) cancels them all, and `run` returns normally so
/// the process exits 0.
public struct DaemonService: Service {
    let supervisor: Supervisor
    let notifier: Notifier
    let watchdog: Duration?
    let logger: Logger
    let governor: Governor?
    let models: [Role: String]

    public init(supervisor: Supervisor, notifier: Notifier, watchdog: Duration?, logger: Logger,
                governor: Governor? = nil, models: [Role: String] = [:]) {
        self.governor = governor
        self.models = models
        self.supervisor = supervisor
        self.notifier = notifier
        self.watchdog = watchdog
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
        // Graceful shutdown cancels the work: an ingest in flight stops at its next
        // buffer without committing, a finished stage's commit stands.
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await handle(signals) }
                    if let watchdog { group.addTask { await ping(every: watchdog / 2) } }
                    // With MODEL_STAGES=off no model is asked for, so nothing is planned or warned of.
                    if let governor, await supervisor.currentConfig.modelStages {
                        group.addTask { await survey(governor) }
                    } else {
                        await supervisor.memoryPlanned("model stages off (MODEL_STAGES=off): no model is loaded")
                    }
                    // The supervisor's loop is the service's life; the helpers end with it.
                    await supervisor.run()
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            Task { await supervisor.stopping() }
        }
    }

    /// Asks Ollama, once at start, what it has and logs the memory plan: the model
    /// stages that will use it fall back when Ollama is down or a model is missing, and
    /// the journal says so here first.
    private func survey(_ governor: Governor) async {
        do {
            try await governor.prepare(models: models)
            let plan = await governor.plan()
            for r in plan.roles {
                logger.info("\(r.role.rawValue): \(r.model), context \(r.grantedContext) (\(r.limitedBy))",
                            metadata: ["model": "\(r.model)", "role": "\(r.role.rawValue)", "num_ctx": "\(r.grantedContext)"])
            }
            logger.notice("memory plan \(plan.fits ? "fits" : "does NOT fit") this machine", metadata: ["fits": "\(plan.fits)"])
            for w in plan.warnings { logger.warning("\(w)") }
            await supervisor.memoryPlanned(Self.line(plan))
        } catch {
            await supervisor.memoryPlanned("not planned: Ollama not available (\(error))")
            logger.warning("Ollama not available (\(error)); model stages will fall back to their rules and templates")
        }
    }

    /// The plan in one line, for `status`.
    static func line(_ plan: MemoryPlan) -> String {
        let roles = plan.roles.map { "\($0.role.rawValue) \($0.model) (context \($0.grantedContext))" }.joined(separator: ", ")
        return "\(plan.fits ? "fits" : "does NOT fit"): \(Format.bytes(plan.totalBytes)) \(plan.timeShared ? "one model at a time" : "together") "
            + "of a \(Format.bytes(plan.effectiveBudget)) budget — \(roles)"
    }

    private func handle(_ signals: UnixSignalsSequence) async {
        for await signal in signals {
            switch signal {
            case .sighup: await supervisor.reload()
            case .sigusr1: await supervisor.requestCycle()
            default: break
            }
        }
    }

    /// WATCHDOG=1 at half the period systemd asked for, only while the supervisor is
    /// making progress.
    private func ping(every interval: Duration) async {
        while !Task.isCancelled {
            if await supervisor.isHealthy() { notifier.watchdog() }
            try? await Task.sleep(for: interval)
        }
    }
}

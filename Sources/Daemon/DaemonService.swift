import Logging
import ServiceLifecycle
import Systemd
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

    public init(supervisor: Supervisor, notifier: Notifier, watchdog: Duration?, logger: Logger) {
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
                    group.addTask { await supervisor.run() }
                    group.addTask { await handle(signals) }
                    if let watchdog { group.addTask { await ping(every: watchdog / 2) } }
                    await group.next()
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            Task { await supervisor.stopping() }
        }
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

import ArgumentParser
import Control
import Daemon
import FeedbackLoop
import Foundation
import Logging
import ServiceLifecycle
import StateStore
import Systemd
import Trinity

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run as a service: a cycle every CYCLE_INTERVAL, sd_notify health, journald logs (systemd's entry point).")

    @Option(help: "Configuration file (default: $CONSCIOUSNESS_CONFIG, else /etc/consciousness/consciousness.env if it exists).")
    var config: String?

    @Option(help: "State directory (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let file = ConfigFile.path(config, env)
        let cfg: DaemonConfig
        do { cfg = try DaemonConfig.load(file: file, environment: env) } catch {
            throw fail("configuration refused: \(error)", ExitStatus.config)
        }
        LogDestination.bootstrap(environment: env, level: cfg.logLevel)
        let logger = Logger(label: "consciousness")
        for k in cfg.unknownKeys { logger.warning("unknown configuration key \(k) ignored", metadata: ["key": "\(k)"]) }
        let notifier = Notifier(environment: env)
        // Under Type=notify, a daemon that cannot notify would be killed at the start
        // timeout with nothing said: say why now.
        if notifier.isActive, case .failure(let e) = LibSystemd.shared {
            logger.critical("cannot start: NOTIFY_SOCKET is set but libsystemd is unavailable: \(e)")
            throw fail("NOTIFY_SOCKET is set but libsystemd is unavailable: \(e)", ExitStatus.software)
        }
        // Opening the store may migrate its schema; ask systemd for the time that takes.
        notifier.extendTimeout(seconds: 60)
        let store: StateStore
        do { store = try StateStore(directory: Paths.stateDirectory(stateDir)) } catch {
            logger.critical("cannot start: \(error.description)")
            throw fail(error.description, ExitStatus.cantCreate)
        }
        // The model client: loopback only (the configuration was checked already), every
        // request counted; in hybrid, the Architect's remote calls are in the store's ledger.
        let parts = Composition(cfg)
        let (client, governor, workers) = try parts.models(logger: logger)
        // Its leases, for `consciousness memory` in another process.
        let viewPath = (store.directory as NSString).appendingPathComponent(GovernorView.fileName)
        await governor.publish { try? $0.write(to: viewPath) }
        let counter = client.counter
        // READY=1 waits for the control socket to listen (or to fail): `systemctl start`
        // returning means an operator's next command finds it.
        let socket = ControlSocket.daemonPath(configured: cfg.controlSocket, environment: env)
        let listening = socket.map { _ in StartupGate() }
        let supervisor = Supervisor(config: cfg, configFile: file, environment: env, store: store, notifier: notifier,
                                    logger: logger, seams: SupervisorSeams(wallClock: parts.wallClock),
                                    outbound: { OutboundRequests(loopback: counter.loopback, remote: counter.remote) },
                                    models: workers, memoryAvailable: { Composition.memoryAvailable() },
                                    narrator: { (c: DaemonConfig) -> Narrator? in
                                        workers.narrator(remote: Composition(c).remoteArchitect(store: store, logger: logger))
                                    }, readyAfter: listening)
        let service = DaemonService(supervisor: supervisor, notifier: notifier,
                                    watchdog: Notifier.watchdogInterval(), logger: logger, governor: governor,
                                    models: Dictionary(parts.roles, uniquingKeysWith: { a, _ in a }))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: service)]
        if let socket, let listening {
            let server = ControlServer(socketPath: socket, store: store, supervisor: supervisor, logger: logger,
                                       doctor: { await DoctorCommand.asService(configFile: file, environment: env, stateDirectory: store.directory) })
            // The loop is the service; a socket that cannot be bound (a path too long, a
            // read-only place) is logged by the group and the daemon goes on without it.
            do {
                services.append(.init(service: try server.service(listening: listening), successTerminationBehavior: .ignore,
                                      failureTerminationBehavior: .ignore))
            } catch {
                logger.error("control socket \(socket) not served: \(error)")
                listening.open()
            }
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await client.shutdown()
        logger.notice("stopped")
    }
}

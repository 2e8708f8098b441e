import Daemon
import ServiceLifecycle

/// The control socket's server as the daemon's service: it runs the application and,
/// when that ends — stopped, or failed to bind — opens the gate the daemon's READY=1
/// waits on, so readiness is never held back by a socket that will not listen. (The
/// application opens it itself once it listens.)
struct ListeningService<App: Service>: Service {
    let app: App
    let listening: StartupGate

    func run() async throws {
        defer { listening.open() }
        try await app.run()
    }
}

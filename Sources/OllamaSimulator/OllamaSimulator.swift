import Foundation
import NIOCore

/// An Ollama look-alike on loopback: real HTTP/1.1, real NDJSON streaming, simulated load
/// times and memory, and faults on demand.
///
/// ```swift
/// let simulator = OllamaSimulator(configuration: SimulatorConfiguration())
/// try await simulator.start()
/// let url = await simulator.baseURL      // "http://127.0.0.1:<port>"
/// await simulator.inject(.stall, path: "/api/chat")
/// try await simulator.stop()
/// ```
///
/// An actor (so `port` and `baseURL` are read with `await`) because it owns the running
/// server, which `start()` and `stop()` replace.
public actor OllamaSimulator {
    public nonisolated let configuration: SimulatorConfiguration
    private let state: SimulatorState
    private var phase = Phase.idle

    /// The bound port once started (the configured one before).
    public private(set) var port: Int

    private enum Phase {
        case idle
        case starting
        case running(RunningServer)
        case stopped
    }

    private struct RunningServer: Sendable {
        let listener: any Channel
        let accepting: Task<Void, Never>
        let sweeping: Task<Void, Never>
    }

    public init(configuration: SimulatorConfiguration = SimulatorConfiguration()) {
        self.configuration = configuration
        self.state = SimulatorState(configuration: configuration)
        self.port = configuration.port
    }

    deinit {
        // A test that forgets stop() must not leave a server accepting behind it.
        if case .running(let server) = phase {
            server.accepting.cancel()
            server.sweeping.cancel()
            server.listener.close(promise: nil)
        }
    }

    /// "http://127.0.0.1:<port>" (IPv6 hosts in brackets).
    public var baseURL: String {
        let host = configuration.host.contains(":") && !configuration.host.hasPrefix("[")
            ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }

    /// Binds and starts serving; `port` is known when this returns.
    ///
    /// After `stop()` it may be called again, like restarting Ollama: it binds the port it had
    /// before (so clients holding `baseURL` reconnect), with no model resident. Counters and
    /// pending faults survive the restart.
    public func start() async throws {
        let previous = phase
        switch previous {
        case .idle, .stopped: break
        case .starting, .running: throw SimulatorError.alreadyStarted
        }
        // Off loopback only as a keyed remote API (a test network's, for AGENCY_MODE=hybrid).
        guard SimulatorConfiguration.isLoopbackHost(configuration.host) || configuration.apiKey != nil else {
            throw SimulatorError.nonLoopbackHost(configuration.host)
        }
        phase = .starting
        var bindPort = configuration.port
        if case .stopped = previous { bindPort = port }
        let listener: HTTPListener
        do {
            listener = try await SimulatorServer.bind(host: configuration.host, port: bindPort)
        } catch {
            phase = previous
            throw error
        }
        port = listener.channel.localAddress?.port ?? configuration.port
        await state.publishMeminfo()
        let handler = ConnectionHandler(router: Router(context: context), state: state)
        let state = self.state
        // Detached: these tasks must not capture the actor, or deinit could never run.
        phase = .running(RunningServer(
            listener: listener.channel,
            accepting: Task.detached { await SimulatorServer.serve(listener, with: handler) },
            sweeping: Task.detached { [interval = configuration.sweepInterval] in
                await Self.sweep(state, every: interval)
            }))
    }

    /// Closes the listener and every open connection (stalled ones included), waits until
    /// they are gone, and unloads every model.
    public func stop() async throws {
        guard case .running(let server) = phase else { return }
        phase = .stopped
        server.sweeping.cancel()
        server.accepting.cancel()
        await state.cancelPendingLoads()
        server.listener.close(promise: nil)
        await server.accepting.value
        // A stopped Ollama holds no memory: the meminfo file must show it freed.
        await state.unloadAll()
    }

    /// The next `count` requests (only those to `path`, if given) suffer `fault`.
    /// Requests to /sim/* are never faulted.
    public func inject(_ fault: Fault, count: Int = 1, path: String? = nil) async {
        await state.inject(fault, count: count, path: path)
    }

    /// The `rate_limited` fault's Retry-After, in seconds.
    public func setRetryAfter(seconds: Int) async {
        await state.setRetryAfter(seconds)
    }

    public func clearFaults() async {
        await state.clearFaults()
    }

    /// The models currently "loaded", sorted by name.
    public func resident() async -> [ResidentModel] {
        await state.residentModels()
    }

    /// How many requests arrived for `path` (faulted ones included), e.g. "/api/chat".
    public func requestCount(path: String) async -> Int {
        await state.requestCount(path: path)
    }

    /// How many times `model` was really loaded (requests that found it resident don't count).
    public func loadCount(model: String) async -> Int {
        await state.loadCount(model: model)
    }

    /// Loads per model name, over the simulator's life.
    public func loadCounts() async -> [String: Int] {
        await state.loadCounts()
    }

    /// The most memory resident models held together at any moment (weights + KV).
    public func peakResidentBytes() async -> Int64 {
        await state.peakResidentBytes
    }

    /// Loads, and unloads by cause: keep_alive expiry, Ollama's own evictions (cap or
    /// memory), client unload requests (keep_alive 0), num_ctx reloads.
    public func counters() async -> SimulatorCounters {
        await state.unloadCounters()
    }

    /// Loads that completed with MemAvailable below `watchReserveBytes` or the resident
    /// models above `watchBudgetBytes`.
    public func violationCount() async -> Int {
        await state.violationCount()
    }

    /// The latest violations (at most `InvariantObserver.recentLimit`), oldest first.
    public func recentViolations() async -> [InvariantViolation] {
        await state.recentViolations()
    }

    /// Pins the external memory hog to `bytes` (nil: back to the configured wave); meminfo
    /// is republished at once.
    public func setHog(bytes: Int64?) async {
        await state.setHog(bytes: bytes)
    }

    /// The external hog's memory right now.
    public func hogBytes() async -> Int64 {
        await state.hogBytes()
    }

    /// MemAvailable as the simulated machine has it now (what meminfo publishes).
    public func memAvailableBytes() async -> Int64 {
        await state.availableBytes()
    }

    private var context: EndpointContext {
        EndpointContext(state: state, registry: ModelRegistry(models: configuration.models), configuration: configuration)
    }

    /// Expires models whose keep_alive ran out even when no request arrives, and republishes
    /// meminfo as the hog moves, so the file follows what a governor would see on a real host.
    private static func sweep(_ state: SimulatorState, every interval: Duration) async {
        let pause = interval > .zero ? interval : .milliseconds(100)
        while !Task.isCancelled {
            try? await Task.sleep(for: pause)
            await state.tick()
        }
    }
}

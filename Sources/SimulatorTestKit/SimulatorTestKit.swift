import Foundation
import Logging
import OllamaSimulator
import Trinity

/// An Ollama-API simulator on a free loopback port, with a client and a governor
/// pointed at it and a recorded /proc of its own — the one rig every test that talks
/// to "Ollama" uses, as HummingbirdTesting's `app.test { client in }` is the one way to
/// test a Hummingbird app.
public struct SimulatedOllama: Sendable {
    public let sim: OllamaSimulator
    public let client: OllamaClient
    public let governor: Governor
    /// A temporary directory holding the simulator's `proc/meminfo`; tests may keep
    /// their own files there too. Removed when the scope ends.
    public let root: String

    /// The Trinity and the embedder, as the seed names them.
    public static let trinity: [Role: String] = [
        .architect: "codestral:22b-v0.1-q4_K_M", .builder: "qwen2.5-coder:7b-instruct-q4_K_M",
        .controller: "qwen2.5-coder:1.5b-instruct-q4_K_M", .embedder: "all-minilm:latest",
    ]

    /// One retry of a closed connection, and timeouts that a busy 2-core machine running the suites in
    /// parallel still meets (a test of a timeout sets its own, short ones).
    public static var testTimeouts: Timeouts {
        var t = Timeouts()
        t.firstByte = .seconds(15)
        t.whole = .seconds(30)
        t.connectRetries = 1
        // The simulator evaluates prompts at once: no allowance for a CPU's pace.
        t.assumedPromptRate = 100_000
        return t
    }

    /// The governor's defaults with a load and an unload bounded in seconds, not
    /// minutes: a stalled load in a test is refused within them.
    public static var testSettings: GovernorSettings {
        var s = GovernorSettings()
        s.loadTimeout = .seconds(5)
        s.unloadWait = .seconds(5)
        return s
    }
}

/// Runs `body` with a simulator started for it, and stops the simulator, shuts the
/// client down and removes the directory when `body` ends — returning or throwing. A
/// scope, not a start/stop pair: no test can leak a server into the next one.
public func withSimulator<T: Sendable>(loadSecondsPerGB: Double = 0.001, memTotal: Int64 = 48_000_000_000,
                                       timeouts: Timeouts = SimulatedOllama.testTimeouts,
                                       settings: GovernorSettings = SimulatedOllama.testSettings,
                                       prepare: [Role: String]? = nil,
                                       configure: (inout SimulatorConfiguration) -> Void = { _ in },
                                       _ body: (SimulatedOllama) async throws -> T) async throws -> T {
    let root = NSTemporaryDirectory() + "cc-sim-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    var c = SimulatorConfiguration()
    c.loadSecondsPerGB = loadSecondsPerGB
    c.memTotalBytes = memTotal
    c.meminfoPath = root + "/proc/meminfo"
    configure(&c)
    let sim = OllamaSimulator(configuration: c)
    try await sim.start()
    let client: OllamaClient
    do { client = OllamaClient(try Endpoint(await sim.baseURL, localOnly: true), timeouts: timeouts) } catch {
        try? await sim.stop()
        throw error
    }
    let governor = Governor(client: client, memory: MemorySource(root: root, ollamaCgroup: nil), settings: settings,
                            logger: Logger(label: "simulator-test"))
    let rig = SimulatedOllama(sim: sim, client: client, governor: governor, root: root)
    let result: Result<T, any Error>
    do {
        if let prepare { try await governor.prepare(models: prepare) }
        result = .success(try await body(rig))
    } catch {
        result = .failure(error)
    }
    await client.shutdown()
    try? await sim.stop()
    return try result.get()
}

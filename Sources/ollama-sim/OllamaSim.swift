import ArgumentParser
import Foundation
import OllamaSimulator

/// Runs the Ollama simulator until SIGINT or SIGTERM, for demos and for driving the
/// Trinity client and memory governor by hand.
@main
struct OllamaSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ollama-sim",
        abstract: "An Ollama REST API simulator on loopback: real HTTP, simulated loads and memory, injectable faults.",
        discussion: """
            Faults can be injected over HTTP, e.g.
              curl -d '{"fault":"stall","count":1,"path":"/api/chat"}' http://127.0.0.1:11434/sim/fault
            Faults: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")). State: GET /sim/state.
            """)

    @Option(help: "Loopback address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 11434

    @Option(name: .customLong("load-seconds-per-gb"), help: "Simulated load time per GB of weights.")
    var loadSecondsPerGB = 1.0

    @Option(name: .customLong("meminfo"), help: "Rewrite this file in /proc/meminfo format after every load and unload.")
    var meminfoPath: String?

    @Option(name: .customLong("mem-total-gb"), help: "Total memory of the simulated machine, in GB.")
    var memTotalGB = 48.0

    @Option(name: .customLong("tokens-per-second"), help: "Generation speed reported in eval_duration.")
    var tokensPerSecond = 500.0

    @Option(name: .customLong("chunk-delay-ms"), help: "Real pause between streamed chunks, in milliseconds.")
    var chunkDelayMilliseconds = 0

    /// ArgumentParser exits with 64 (EX_USAGE) on a ValidationError.
    func validate() throws {
        guard SimulatorConfiguration.isLoopbackHost(host) else {
            throw ValidationError("--host \(host) is not a loopback address: ollama-sim only listens on 127.0.0.1, ::1 or localhost")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard loadSecondsPerGB >= 0, loadSecondsPerGB.isFinite else { throw ValidationError("--load-seconds-per-gb must be >= 0") }
        guard memTotalGB > 0, memTotalGB < 1e6 else { throw ValidationError("--mem-total-gb must be positive") }
        guard tokensPerSecond > 0, tokensPerSecond.isFinite else { throw ValidationError("--tokens-per-second must be positive") }
        guard chunkDelayMilliseconds >= 0 else { throw ValidationError("--chunk-delay-ms must be >= 0") }
    }

    func run() async throws {
        let simulator = OllamaSimulator(configuration: simulatorConfiguration)
        // Ignore the signals before listening, so a signal that arrives early is not fatal.
        let termination = TerminationSignals()
        try await simulator.start()
        let url = await simulator.baseURL
        // Unbuffered: a script waiting for this line must see it now, not at exit.
        FileHandle.standardOutput.write(Data("ollama-sim listening on \(url)\n".utf8))
        await termination.wait()
        try await simulator.stop()
    }

    private var simulatorConfiguration: SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.loadSecondsPerGB = loadSecondsPerGB
        configuration.meminfoPath = meminfoPath
        configuration.memTotalBytes = Int64(memTotalGB * 1e9)
        configuration.tokensPerSecond = tokensPerSecond
        configuration.streamChunkDelay = .milliseconds(chunkDelayMilliseconds)
        return configuration
    }
}

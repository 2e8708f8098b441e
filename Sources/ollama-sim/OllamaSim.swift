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
            Memory hog: curl -d '{"bytes":8000000000}' http://127.0.0.1:11434/sim/hog ({"bytes":null}: back to the wave).
            Generate, chat and embed responses carry the header X-Ollama-Simulator: 1 (real Ollama never sends it).
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

    @Option(name: .customLong("unload-delay-ms"), help: "How long an unloaded model stays in /api/ps and meminfo, in milliseconds.")
    var unloadDelayMilliseconds = 100

    @Option(name: .customLong("max-loaded-models"), help: "OLLAMA_MAX_LOADED_MODELS: Ollama evicts to stay within it (0 = unlimited).")
    var maxLoadedModels = 3

    @Option(name: .customLong("num-parallel"), help: "OLLAMA_NUM_PARALLEL: the KV cache holds num_ctx × this many tokens.")
    var numParallel = 1

    @Flag(name: .customLong("flash-attention"), help: "OLLAMA_FLASH_ATTENTION: needed for a quantized --kv-cache-type to take effect.")
    var flashAttention = false

    @Option(name: .customLong("kv-cache-type"), help: "OLLAMA_KV_CACHE_TYPE: \(KVCacheType.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kvCacheType = KVCacheType.f16.rawValue

    @Option(name: .customLong("keep-alive-scale"), help: "Multiplies every keep_alive (and the 5 min default), e.g. 0.01 for a soak.")
    var keepAliveScale = 1.0

    @Option(name: .customLong("hog-max-gb"), help: "External memory hog: a triangle wave from 0 to this many GB and back.")
    var hogMaxGB = 0.0

    @Option(name: .customLong("hog-period-s"), help: "Period of the memory hog's wave, in seconds.")
    var hogPeriodSeconds = 60.0

    @Option(name: .customLong("watch-reserve-gb"), help: "Count a violation when a load completes with MemAvailable below this many GB.")
    var watchReserveGB: Double?

    @Option(name: .customLong("watch-budget-gb"), help: "Count a violation when a load completes with the resident models above this many GB.")
    var watchBudgetGB: Double?

    @Option(name: .customLong("api-key-file"), help: "Serve as a hosted OpenAI-compatible API: require `Authorization: Bearer` the key in this file on every path (/v1, /api and /sim alike). Allows a non-loopback --host (a test network's remote API).")
    var apiKeyFile: String?

    /// ArgumentParser exits with 64 (EX_USAGE) on a ValidationError.
    func validate() throws {
        guard SimulatorConfiguration.isLoopbackHost(host) || apiKeyFile != nil else {
            throw ValidationError("--host \(host) is not a loopback address: ollama-sim listens on 127.0.0.1, ::1 or localhost, unless it serves a keyed API (--api-key-file)")
        }
        if let apiKeyFile, apiKey(apiKeyFile) == nil { throw ValidationError("--api-key-file \(apiKeyFile): no key in a readable file") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard loadSecondsPerGB >= 0, loadSecondsPerGB.isFinite else { throw ValidationError("--load-seconds-per-gb must be >= 0") }
        guard memTotalGB > 0, memTotalGB < 1e6 else { throw ValidationError("--mem-total-gb must be positive") }
        guard tokensPerSecond > 0, tokensPerSecond.isFinite else { throw ValidationError("--tokens-per-second must be positive") }
        guard chunkDelayMilliseconds >= 0 else { throw ValidationError("--chunk-delay-ms must be >= 0") }
        guard unloadDelayMilliseconds >= 0 else { throw ValidationError("--unload-delay-ms must be >= 0") }
        guard maxLoadedModels >= 0 else { throw ValidationError("--max-loaded-models must be >= 0") }
        guard numParallel >= 1 else { throw ValidationError("--num-parallel must be at least 1") }
        guard KVCacheType(rawValue: kvCacheType) != nil else {
            let types = KVCacheType.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--kv-cache-type must be one of \(types)")
        }
        guard keepAliveScale > 0, keepAliveScale.isFinite else { throw ValidationError("--keep-alive-scale must be positive") }
        guard hogMaxGB >= 0, hogMaxGB < 1e6 else { throw ValidationError("--hog-max-gb must be >= 0") }
        guard hogPeriodSeconds > 0, hogPeriodSeconds.isFinite else { throw ValidationError("--hog-period-s must be positive") }
        for (flag, value) in [("--watch-reserve-gb", watchReserveGB), ("--watch-budget-gb", watchBudgetGB)] {
            if let value, !(value >= 0 && value < 1e6) { throw ValidationError("\(flag) must be >= 0") }
        }
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

    private func apiKey(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let key = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return key.isEmpty ? nil : key
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
        configuration.unloadDelay = .milliseconds(unloadDelayMilliseconds)
        configuration.maxLoadedModels = maxLoadedModels
        configuration.numParallel = numParallel
        configuration.flashAttention = flashAttention
        configuration.kvCacheType = KVCacheType(rawValue: kvCacheType) ?? .f16
        configuration.keepAliveScale = keepAliveScale
        configuration.hogMaxBytes = Int64(hogMaxGB * 1e9)
        configuration.hogPeriod = .milliseconds(Int64(hogPeriodSeconds * 1000))
        configuration.watchReserveBytes = watchReserveGB.map { Int64($0 * 1e9) }
        configuration.watchBudgetBytes = watchBudgetGB.map { Int64($0 * 1e9) }
        configuration.apiKey = apiKeyFile.flatMap(apiKey)
        return configuration
    }
}

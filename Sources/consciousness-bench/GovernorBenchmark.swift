import ArgumentParser
import Daemon
import Foundation
import Logging
import Trinity

/// `consciousness-bench governor`: what a meminfo sample and a lease decision cost
/// (medians of 5 batches). No Ollama is needed: deciding a lease reads memory and
/// plans, it does not call a model.
struct GovernorBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "governor", abstract: "A memory sample and a lease decision, in microseconds.")

    @Option(help: "Configuration file, for the models and the budget (default: $CONSCIOUSNESS_CONFIG).")
    var config: String?

    @Option(help: "Where /proc and /sys are (recorded files for tests).")
    var root = "/"

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let c: DaemonConfig
        do { c = try DaemonConfig.load(file: config ?? env["CONSCIOUSNESS_CONFIG"], environment: env) } catch {
            FileHandle.standardError.write(Data("consciousness-bench: configuration refused: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let source = MemorySource(root: root)
        let samples = await ConsciousnessBench.median(5) { () async -> Double in
            let n = 2_000
            let t = ContinuousClock.now
            for _ in 0..<n { _ = source.read() }
            return (ContinuousClock.now - t).microseconds / Double(n)
        }
        let client = OllamaClient(try Endpoint("http://127.0.0.1:9", localOnly: true))
        let settings = c.governorSettings
        var warnings: [String] = []
        let profiles = c.builtInProfiles(.f16, warnings: &warnings)
        let governor = Governor(client: client, memory: source, settings: settings, logger: Logger(label: "bench"))
        await governor.install(profiles)
        // First load of a role: memory read, plan, fit check.
        let firstLoad = await ConsciousnessBench.median(5) { () async -> Double in
            let g = Governor(client: client, memory: source, settings: settings, logger: Logger(label: "bench"))
            await g.install(profiles)
            let t = ContinuousClock.now
            let l = try? await g.lease(.controller, wantedContext: 8192)
            let d = (ContinuousClock.now - t).microseconds
            if let l { await g.release(l) }
            return d
        }
        _ = try? await governor.lease(.controller, wantedContext: 8192)
        // A model already resident: plan and grant.
        let resident = await ConsciousnessBench.median(5) { () async -> Double in
            let n = 2_000
            let t = ContinuousClock.now
            for _ in 0..<n {
                if let l = try? await governor.lease(.controller, wantedContext: 8192) { await governor.release(l) }
            }
            return (ContinuousClock.now - t).microseconds / Double(n)
        }
        await client.shutdown()
        print("meminfo_sample_us \(String(format: "%.1f", samples))")
        print("lease_first_load_us \(String(format: "%.1f", firstLoad))")
        print("lease_resident_us \(String(format: "%.1f", resident))")
    }
}

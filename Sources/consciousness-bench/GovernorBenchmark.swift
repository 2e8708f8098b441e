import ArgumentParser
import Daemon
import Foundation
import Logging
import OllamaSimulator
import Trinity

/// `consciousness-bench governor`: what a meminfo sample and a lease decision cost
/// (medians of 5 batches). A decision re-reads the truth — `/api/ps` from the Ollama
/// simulator on loopback, meminfo, PSI — so that is in its cost.
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
        // The lease decisions re-read the truth: /api/ps over loopback HTTP (the
        // simulator in-process, on its own event loop), meminfo and PSI.
        let dir = NSTemporaryDirectory() + "governor-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/proc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var sc = SimulatorConfiguration()
        sc.meminfoPath = dir + "/proc/meminfo"
        let sim = OllamaSimulator(configuration: sc)
        try await sim.start()
        let client = OllamaClient(try Endpoint(await sim.baseURL, localOnly: true))
        let settings = c.governorSettings
        let memory = MemorySource(root: dir, ollamaCgroup: nil)
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let governor = Governor(client: client, memory: memory, settings: settings, logger: quiet)
        try await governor.prepare(models: GovernorSoak.models)
        // First load of a role: truth, plan, fit, the load itself (simulated, no sleep), the check after it.
        let firstLoad = await ConsciousnessBench.median(5) { () async -> Double in
            _ = await governor.endCycle()
            if let l = try? await governor.lease(.builder, wantedContext: 8192) {
                await governor.release(l)
            }
            _ = await governor.endCycle()  // the Builder is not kept: unloaded again
            let t = ContinuousClock.now
            let l = try? await governor.lease(.builder, wantedContext: 8192)
            let d = (ContinuousClock.now - t).microseconds
            if let l { await governor.release(l) }
            return d
        }
        // A model already resident: a fresh /api/ps and meminfo, then the grant.
        let resident = await ConsciousnessBench.median(5) { () async -> Double in
            let n = 500
            let t = ContinuousClock.now
            for _ in 0..<n {
                if let l = try? await governor.lease(.builder, wantedContext: 8192) { await governor.release(l) }
            }
            return (ContinuousClock.now - t).microseconds / Double(n)
        }
        await client.shutdown()
        try await sim.stop()
        print("meminfo_sample_us \(String(format: "%.1f", samples))")
        print("lease_first_load_us \(String(format: "%.1f", firstLoad))")
        print("lease_resident_us \(String(format: "%.1f", resident))")
    }
}

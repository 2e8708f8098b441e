import Cycle
import FeedbackLoop
import Foundation
import Logging
import OllamaSimulator
import SampleLog
import StateStore
import Trinity
@testable import Workers

/// A simulator on a free loopback port, the Trinity's workers pointed at it, a store
/// in a temporary directory and a generated log: cycles over real HTTP.
struct CycleRig {
    static let models: [Role: String] = [
        .architect: "codestral:22b-v0.1-q4_K_M", .builder: "qwen2.5-coder:7b-instruct-q4_K_M",
        .controller: "qwen2.5-coder:1.5b-instruct-q4_K_M", .embedder: "all-minilm:latest",
    ]
    /// The sample's end: cycles run at this hour and after.
    static let end: Microseconds = 1_760_000_400_000_000

    let sim: OllamaSimulator
    let client: OllamaClient
    let governor: Governor
    let workers: ModelWorkers
    let store: StateStore
    let dir: String
    var log: String { dir + "/violations.jsonl" }

    static func start(loadSecondsPerGB: Double = 0.001, memTotal: Int64 = 48_000_000_000,
                      functions: [SampleFunction] = SampleFunction.standard) async throws -> CycleRig {
        let dir = NSTemporaryDirectory() + "cc-workers-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/proc", withIntermediateDirectories: true)
        var c = SimulatorConfiguration()
        c.loadSecondsPerGB = loadSecondsPerGB
        c.memTotalBytes = memTotal
        c.meminfoPath = dir + "/proc/meminfo"
        let sim = OllamaSimulator(configuration: c)
        try await sim.start()
        var t = Timeouts()
        t.firstByte = .seconds(2)
        t.whole = .seconds(20)
        t.connectRetries = 1
        t.retryBackoff = .milliseconds(20)
        let client = OllamaClient(try Endpoint(await sim.baseURL, localOnly: true), timeouts: t)
        let logger = Logger(label: "workers-test")
        let governor = Governor(client: client, memory: MemorySource(root: dir, ollamaCgroup: nil),
                                settings: GovernorSettings(), logger: logger)
        let workers = ModelWorkers(client: client, governor: governor, models: models, logger: logger)
        var sample = SampleLog(lines: 6_000, days: 10, end: end)
        sample.functions = functions
        try sample.write(to: dir + "/violations.jsonl")
        return CycleRig(sim: sim, client: client, governor: governor, workers: workers,
                        store: try StateStore(directory: dir + "/state"), dir: dir)
    }

    func cycle(at now: Microseconds = end, models: Bool = true) async throws -> CycleReport {
        var o = CycleOptions(logPath: log, now: now)
        o.reportsDirectory = dir + "/reports"
        if models { o.models = workers }
        return try await CycleRunner(store: store).run(o)
    }

    func stop() async {
        await client.shutdown()
        try? await sim.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

extension CycleReport {
    func stage(_ name: String) -> StageOutcome? { stages.first { $0.stage.rawValue == name } }
    func calls(_ role: String) -> [ModelCallRecord] { modelCalls.filter { $0.role == role } }
}

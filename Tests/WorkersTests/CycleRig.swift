import Cycle
import FeedbackLoop
import Foundation
import Logging
import OllamaSimulator
import SampleLog
import SimulatorTestKit
import StateStore
import Trinity
@testable import Workers

/// The kit's simulator with the Trinity's workers pointed at it, a store in a temporary
/// directory and a generated log: cycles over real HTTP.
struct CycleRig {
    static let models = SimulatedOllama.trinity
    /// A role's model as a report names it: marked, because the simulator answered.
    static func shown(_ role: Role) -> String { (models[role] ?? "?") + ", simulated" }
    /// The sample's end: cycles run at this hour and after.
    static let end: Microseconds = 1_760_000_400_000_000

    let ollama: SimulatedOllama
    let workers: ModelWorkers
    let store: StateStore
    var sim: OllamaSimulator { ollama.sim }
    var client: OllamaClient { ollama.client }
    var governor: Governor { ollama.governor }
    var dir: String { ollama.root }
    var log: String { dir + "/violations.jsonl" }

    static func with(loadSecondsPerGB: Double = 0.001, memTotal: Int64 = 48_000_000_000,
                     functions: [SampleFunction] = SampleFunction.standard,
                     timeouts: Timeouts = SimulatedOllama.testTimeouts,
                     _ body: (CycleRig) async throws -> Void) async throws {
        try await withSimulator(loadSecondsPerGB: loadSecondsPerGB, memTotal: memTotal, timeouts: timeouts) { ollama in
            let workers = ModelWorkers(client: ollama.client, governor: ollama.governor, models: models,
                                       logger: Logger(label: "workers-test"))
            var sample = SampleLog(lines: 6_000, days: 10, end: end)
            sample.functions = functions
            try sample.write(to: ollama.root + "/violations.jsonl")
            try await body(CycleRig(ollama: ollama, workers: workers, store: try StateStore(directory: ollama.root + "/state")))
        }
    }

    func cycle(at now: Microseconds = end, models: Bool = true) async throws -> CycleReport {
        var o = CycleOptions(logPath: log, now: now)
        o.reportsDirectory = dir + "/reports"
        if models { o.models = workers }
        return try await CycleRunner(store: store).run(o)
    }
}

extension CycleReport {
    func stage(_ name: String) -> StageOutcome? { stages.first { $0.stage.rawValue == name } }
    func calls(_ role: String) -> [ModelCallRecord] { modelCalls.filter { $0.role == role } }
}

import Approval
import Cycle
import FeedbackLoop
import Foundation
import Logging
import StateStore
import Trinity
import Workers

/// The one composition root: where the configuration becomes the parts — a cycle's
/// options, the governor's settings and budget, the roles and their models, the model
/// workers, the clock. The daemon and every command build their parts here, so a key
/// in the configuration means the same thing to `consciousness cycle --config` as to
/// the service.
public struct Composition: Sendable {
    public let config: DaemonConfig
    /// The wall clock, microseconds since the epoch.
    public let wallClock: @Sendable () -> Microseconds

    public init(_ config: DaemonConfig, wallClock: @escaping @Sendable () -> Microseconds = Composition.systemClock) {
        self.config = config
        self.wallClock = wallClock
    }

    public static let systemClock: @Sendable () -> Microseconds = { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    /// A cycle's options as the configuration has them; a caller overrides what its own
    /// options say (the command line's flags) and adds what only it knows (progress).
    public func cycleOptions(log: String? = nil, now: Microseconds? = nil) -> CycleOptions {
        let c = config
        var o = CycleOptions(logPath: log ?? c.logPath, now: now ?? wallClock())
        o.window = .days(c.windowDays)
        o.settings.minOccurrences = c.minOccurrences
        o.settings.proposalConfidence = c.proposalConfidence
        o.settings.cost.minutesPerViolation = c.minutesPerViolation
        o.settings.cost.hourlyRateUSD = c.hourlyRateUSD
        o.settings.cost.fixHours = c.fixHours
        o.forecast.horizonDays = c.horizonDays
        o.reportsDirectory = c.reportsDir
        o.metricsFile = c.metricsFile
        o.rotatedGlob = c.rotatedGlob
        let root = c.agencyRoot
        o.mergeFinder = { try MergeFinder(root: root).find($0) }
        o.wallClock = wallClock
        o.configuredModels = roles.map { CycleMetrics.ConfiguredModel(role: $0.0.rawValue, model: $0.1) }
        o.version = BuildInfo.version
        o.remoteCapUSD = c.remote?.budgetUSDPerNight
        return o
    }

    /// Each role's model, the budget and the governor's settings: the configuration's
    /// own reading of them (MemoryPlanning.swift), the same for `memory` and `doctor`.
    public var roles: [(Role, String)] { config.roleModels }
    public var budget: Budget { config.memoryBudget }
    public var governorSettings: GovernorSettings { config.governorSettings }

    /// The Ollama client (loopback-checked: in hybrid too, only the Architect goes remote), the governor that owns what
    /// it loads, and the workers that call it under the governor's leases.
    public func models(logger: Logger) throws -> (client: OllamaClient, governor: Governor, workers: ModelWorkers) {
        let client = OllamaClient(try Endpoint(config.ollamaHost, localOnly: true))
        let governor = Governor(client: client, memory: MemorySource(), settings: governorSettings, logger: logger)
        let workers = ModelWorkers(client: client, governor: governor,
                                   models: Dictionary(roles, uniquingKeysWith: { a, _ in a }), logger: logger)
        return (client, governor, workers)
    }

    /// The remote Architect, in AGENCY_MODE=hybrid: its calls booked in `store`, each
    /// within STAGE_TIMEOUT.
    public func remoteArchitect(store: StateStore, logger: Logger) -> RemoteArchitect? {
        config.remote.map { RemoteArchitect(settings: $0, store: store, deadline: config.stageTimeout, clock: wallClock, logger: logger) }
    }

    /// MemAvailable now, for the report.
    public static func memoryAvailable() -> Int64? { MemorySource().read().memAvailable }
}

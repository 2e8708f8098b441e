import Daemon
import Foundation
import Logging
import Trinity
import Workers

/// The model workers a configuration describes, for the cycle command and the daemon.
enum ModelSetup {
    static func roles(_ c: DaemonConfig) -> [Role: String] {
        Dictionary(uniqueKeysWithValues: c.roleModels)
    }

    /// The client, governor and workers for a configuration (loopback-checked already).
    static func workers(_ cfg: DaemonConfig, logger: Logger) throws -> (OllamaClient, Governor, ModelWorkers) {
        let client = OllamaClient(try Endpoint(cfg.ollamaHost, localOnly: cfg.agencyMode == .localOnly))
        let governor = Governor(client: client, memory: MemorySource(), settings: cfg.governorSettings, logger: logger)
        return (client, governor, ModelWorkers(client: client, governor: governor, models: roles(cfg), logger: logger))
    }

    /// MemAvailable now, for the report.
    static func memoryAvailable() -> Int64? { MemorySource().read().memAvailable }
}

import Foundation

/// Everything a simulator instance pretends about its machine and its models.
public struct SimulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 binds any free port; read the real one from `OllamaSimulator.port` after `start()`.
    public var port = 0
    public var models: [SimulatedModel] = ModelCatalog.trinity
    /// Simulated (really slept) load time, proportional to the weights' size in GB (1e9 bytes).
    public var loadSecondsPerGB = 0.0
    /// Generation speed reported through `eval_duration`; nothing sleeps for it.
    public var tokensPerSecond = 500.0
    /// Real pause between streamed chunks, for clients that must cope with slow streams.
    public var streamChunkDelay: Duration = .zero
    public var memTotalBytes: Int64 = 48 * 1_000_000_000
    /// Memory used by "the OS" besides the resident models.
    public var baseUsedBytes: Int64 = 4 * 1_000_000_000
    /// When set, rewritten atomically after every load and unload in /proc/meminfo format.
    public var meminfoPath: String? = nil
    /// Bytes per KV-cache element (2 = f16).
    public var kvBytesPerElement = 2.0

    public init() {}

    /// The simulator is a test fixture: it must never be reachable from the network.
    public static func isLoopbackHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if ["localhost", "::1", "0:0:0:0:0:0:0:1", "[::1]"].contains(lowered) { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { UInt8($0) != nil }
    }
}

public enum SimulatorError: Error, CustomStringConvertible, Sendable {
    case alreadyStarted
    case nonLoopbackHost(String)

    public var description: String {
        switch self {
        case .alreadyStarted:
            return "the simulator was already started"
        case .nonLoopbackHost(let host):
            return "refusing to listen on '\(host)': the simulator only binds loopback addresses (127.0.0.1, ::1, localhost)"
        }
    }
}

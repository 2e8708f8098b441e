import Foundation

/// A model the simulator currently holds "in memory".
public struct ResidentModel: Sendable, Codable, Equatable {
    public var name: String
    /// Weights + KV cache + compute overhead, as `/api/ps` reports it.
    public var sizeBytes: Int64
    /// The `num_ctx` it was loaded with (after clamping to the trained context).
    public var contextLength: Int
    /// nil when kept forever (negative keep_alive).
    public var expiresAt: Date?

    public init(name: String, sizeBytes: Int64, contextLength: Int, expiresAt: Date?) {
        self.name = name
        self.sizeBytes = sizeBytes
        self.contextLength = contextLength
        self.expiresAt = expiresAt
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The running daemon's governor as it stands after its latest decision: the models
/// Ollama held at its last reading, the leases on each, and its counters. The daemon
/// writes it to `STATE_DIR/governor.json`, so `consciousness memory` (another process)
/// can say which models are leased and which idle.
public struct GovernorView: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var model: String
        public var role: Role?
        public var leases: Int
    }

    public var pid: Int32
    /// Seconds since the epoch.
    public var writtenAt: Double
    public var models: [Entry]
    public var stats: GovernorStats

    public static let fileName = "governor.json"

    /// Whether the process that wrote it still runs (EPERM: it does, as another user).
    public var writerRuns: Bool { kill(pid_t(pid), 0) == 0 || errno == EPERM }

    /// Written beside, then renamed over: a reader never sees half a file.
    public func write(to path: String) throws {
        let temporary = path + ".tmp"
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    public static func read(_ path: String) -> GovernorView? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(GovernorView.self, from: data)
    }
}

extension Governor {
    /// Where each decision's outcome goes (the daemon: a file in its state directory).
    public func publish(to sink: @escaping @Sendable (GovernorView) -> Void) {
        publisher = sink
        published()
    }

    func published() {
        guard let publisher else { return }
        publisher(GovernorView(pid: getpid(), writtenAt: Date().timeIntervalSince1970,
                               models: governed().map { .init(model: $0.model.name, role: $0.role, leases: $0.leases) },
                               stats: stats))
    }
}

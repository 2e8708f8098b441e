import Foundation
import Synchronization

/// The Ollama endpoint, checked once: in local_only mode anything but loopback
/// (127.0.0.0/8, ::1, localhost) is refused before a connection is ever made.
public struct Endpoint: Sendable, Equatable {
    public let base: String
    public let host: String
    public let isLoopback: Bool

    /// `url` in OLLAMA_HOST's syntax (see `OllamaHost`): `127.0.0.1:11434` and
    /// `http://localhost:11434/` name the same endpoint.
    public init(_ url: String, localOnly: Bool) throws(OllamaError) {
        guard let base = OllamaHost.baseURL(url), let u = URL(string: base), let host = u.host, !host.isEmpty else {
            throw .refusedNonLocal(host: url)
        }
        self.base = base
        self.host = host
        self.isLoopback = Self.isLoopback(host)
        if localOnly, !isLoopback { throw .refusedNonLocal(host: host) }
    }

    public static func isLoopback(_ host: String) -> Bool {
        // Brackets trimmed by hand: Foundation's `trimmingCharacters` goes through
        // NSString, whose first use in a process was ~0.3 ms of a one-shot `cycle`.
        var h = Substring(host.lowercased())
        while let c = h.first, c == "[" || c == "]" { h = h.dropFirst() }
        while let c = h.last, c == "[" || c == "]" { h = h.dropLast() }
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil } && parts[0] == "127"
    }
}

/// Every outbound request, counted by destination class. A report's "API calls" is
/// `remote`: a counter, not a promise.
public final class RequestCounter: Sendable {
    private let counts = Mutex<(loopback: Int, remote: Int)>((0, 0))

    public init() {}

    func count(loopback: Bool) {
        counts.withLock { if loopback { $0.loopback += 1 } else { $0.remote += 1 } }
    }

    public var loopback: Int { counts.withLock { $0.loopback } }
    public var remote: Int { counts.withLock { $0.remote } }
}

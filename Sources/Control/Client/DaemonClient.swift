import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The command line's side of the control socket: a request, and what to print and
/// exit with (the daemon's `Consciousness-Exit` header).
public struct DaemonClient: Sendable {
    public let socketPath: String

    public init(socketPath: String) { self.socketPath = socketPath }

    public struct Reply: Sendable {
        public var text: String
        public var exitStatus: Int32
    }

    /// `path` with its query (`/v1/status?json=1`); `body` for a POST.
    public func send(_ method: HTTPMethod, _ path: String, body: String? = nil,
                     timeout: TimeAmount = .seconds(120)) async throws(CommandFailure) -> Reply {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
            throw CommandFailure("the control socket path \(socketPath) cannot be used", CommandFailure.usage)
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
            let exit = response.headers.first(name: CommandFailure.exitHeader).flatMap { Int32($0) }
                ?? (response.status == .ok ? 0 : CommandFailure.software)
            return Reply(text: text, exitStatus: exit)
        } catch {
            throw CommandFailure("the daemon at \(socketPath) did not answer: \(error)", CommandFailure.unavailable)
        }
    }

    /// The reply's text, or a failure carrying it (a refusal's one-line reason).
    public func output(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws(CommandFailure) -> String {
        let r = try await send(method, path, body: body)
        guard r.exitStatus == 0 else {
            throw CommandFailure(r.text.trimmingCharacters(in: .whitespacesAndNewlines), r.exitStatus)
        }
        return r.text
    }
}

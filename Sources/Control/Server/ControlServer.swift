import Cycle
import Daemon
import Doctor
import FeedbackLoop
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import StateStore

/// The daemon's control API: HTTP on a Unix socket (RuntimeDirectory=, mode 0660, so
/// the members of the group `consciousness` reach it and nobody else), for the command
/// line — as `ollama` talks to `ollama serve`. Read-only but for three acts: a cycle
/// now, a rejection, and recording an approval the person committed themselves; each
/// is logged and stored with the peer's kernel-given credentials.
///
/// Replies are what the command prints, with its exit status in `Consciousness-Exit`,
/// so the command line prints the same with or without the daemon.
public struct ControlServer: Sendable {
    public let socketPath: String
    let operations: Operations
    let supervisor: Supervisor
    let doctor: @Sendable () async -> (text: String, json: String, ok: Bool)
    let logger: Logger

    public init(socketPath: String, store: StateStore, supervisor: Supervisor, logger: Logger,
                now: @escaping @Sendable () -> Microseconds = Composition.systemClock,
                doctor: @escaping @Sendable () async -> (text: String, json: String, ok: Bool)) {
        self.socketPath = socketPath
        self.operations = Operations(store: store, now: now)
        self.supervisor = supervisor
        self.doctor = doctor
        self.logger = logger
    }

    /// The server as a swift-service-lifecycle service, for the daemon's ServiceGroup:
    /// it opens `listening` once the socket accepts connections, or when it ends
    /// without ever having listened (a socket that cannot be bound).
    public func service(listening: StartupGate) throws -> some Service {
        ListeningService(app: try application(onListening: listening.open), listening: listening)
    }

    func application(onListening: @escaping @Sendable () -> Void) throws -> some ApplicationProtocol {
        try FileManager.default.createDirectory(atPath: (socketPath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let path = socketPath
        let log = logger
        return Application(router: router(), configuration: .init(address: .unixDomainSocket(path: path), serverName: nil),
                           onServerRunning: { _ in
                               // Bound under UMask=0077 (owner only); now the group too.
                               if chmod(path, 0o660) != 0 { log.error("cannot chmod 0660 \(path): errno \(errno)") }
                               log.notice("control socket \(path) listening", metadata: ["socket": "\(path)"])
                               onListening()
                           }, logger: quiet(logger))
    }

    /// Hummingbird's own per-request lines at debug; the daemon's own say what matters.
    private func quiet(_ l: Logger) -> Logger {
        var q = l
        q.logLevel = max(l.logLevel, .notice)
        return q
    }

    func router() -> Router<ControlContext> {
        let router = Router(context: ControlContext.self)
        let v1 = router.group("v1")
        v1.get("status") { req, _ in
            let daemon = await supervisor.snapshot()
            return await blocking { reply { try operations.status(daemon: daemon, json: req.flag("json")) } }
        }
        v1.get("report") { req, _ in
            reply { try operations.report(cycle: req.uri.queryParameters.get("cycle", as: Int64.self), json: req.flag("json")) }
        }
        v1.get("report/morning") { req, _ in
            let date = req.uri.queryParameters.get("date").flatMap(LocalDate.init)
            let config = await supervisor.currentConfig
            do {
                let r = try await operations.morning(date: date, config: config, zone: .current)
                return Self.response(r.json(), exit: 0)
            } catch let f as CommandFailure { return Self.response(f.message, exit: f.exitStatus) } catch {
                return Self.response("\(error)", exit: CommandFailure.software)
            }
        }
        v1.get("report/morning/sent") { req, _ in
            guard let date = req.uri.queryParameters.get("date").flatMap(LocalDate.init) else {
                return Self.response("date=YYYY-MM-DD is required", exit: CommandFailure.usage)
            }
            return reply { try operations.sent(night: date, json: req.flag("json")) }
        }
        v1.get("proposals") { req, _ in
            let status = req.uri.queryParameters.get("status").flatMap(ProposalStatus.init(rawValue:))
            return reply { try operations.proposals(status: status, json: req.flag("json")) }
        }
        v1.get("proposals/:id") { req, ctx in
            let id = try ctx.parameters.require("id", as: Int64.self)
            return reply { try operations.proposal(id, json: req.flag("json")) }
        }
        v1.get("proposals/:id/stored") { _, ctx in
            let id = try ctx.parameters.require("id", as: Int64.self)
            return reply { JSONText.pretty(try operations.stored(id)) }
        }
        v1.post("proposals/:id/reject") { req, ctx in
            let id = try ctx.parameters.require("id", as: Int64.self)
            let reason = try await req.text().trimmingCharacters(in: .whitespacesAndNewlines)
            let peer = await PeerCredentials.of(ctx.channel)
            guard !reason.isEmpty else { return Self.response("a rejection must say why", exit: CommandFailure.usage) }
            let user = peer?.userName ?? peer.map { "uid \($0.uid)" } ?? "unknown"
            logger.notice("proposal \(id) rejected by \(user)", metadata: ["proposal": "\(id)", "peer": "\(peer.map(\.description) ?? "?")"])
            return await blocking { reply { try operations.reject(id, reason: reason, user: user, peer: peer?.description) } }
        }
        v1.post("proposals/:id/approval") { req, ctx in
            let id = try ctx.parameters.require("id", as: Int64.self)
            let body = try await req.text()
            guard let record = try? JSONDecoder().decode(ApprovalRecord.self, from: Data(body.utf8)), record.proposal == id else {
                return Self.response("the approval record is not valid JSON for proposal \(id)", exit: CommandFailure.usage)
            }
            let peer = await PeerCredentials.of(ctx.channel)
            // What the client sent, escaped: it is checked only when recorded.
            logger.notice("proposal \(id) approved by \(PrintableText.safe(record.approvedBy)): branch \(PrintableText.safe(record.branch)), commit \(PrintableText.safe(record.commit))",
                          metadata: ["proposal": "\(id)", "peer": "\(peer.map(\.description) ?? "?")"])
            return await blocking { reply { try operations.recordApproval(record, peer: peer?.description) } }
        }
        v1.post("cycle") { _, ctx in
            let peer = await PeerCredentials.of(ctx.channel)
            await supervisor.requestCycle(by: "cycle requested over the control socket by \(peer.map(\.description) ?? "an unknown peer")")
            return Self.response("A cycle was requested; it starts now, or after the one running.\n", exit: 0)
        }
        v1.get("doctor") { req, _ in
            let r = await doctor()
            return Self.response(req.flag("json") ? r.json : r.text, exit: r.ok ? 0 : CommandFailure.unavailable)
        }
        return router
    }

    /// Runs `body` on a thread of its own: a decision's write may wait for a cycle's
    /// transaction, and must not hold one of the cooperative pool's few threads (the
    /// watchdog's pings run there) while it waits.
    private func blocking(_ body: @escaping @Sendable () -> Response) async -> Response {
        await withCheckedContinuation { c in
            Thread.detachNewThread { c.resume(returning: body()) }
        }
    }

    /// The body's output, or its refusal, as a response (never a thrown error: the
    /// client needs the reason and the exit status, not Hummingbird's 500).
    private func reply(_ body: () throws -> String) -> Response {
        do { return Self.response(try body(), exit: 0) } catch let f as CommandFailure {
            return Self.response(f.message, exit: f.exitStatus)
        } catch {
            return Self.response("\(error)", exit: CommandFailure.software)
        }
    }

    static let exitHeader = HTTPField.Name(CommandFailure.exitHeader)!

    /// 200 with the output, or 4xx/5xx with the one-line reason; the exit status always.
    static func response(_ text: String, exit: Int32) -> Response {
        let status: HTTPResponse.Status = switch exit {
        case 0: .ok
        case CommandFailure.noInput: .notFound
        case CommandFailure.dataError: .conflict
        case CommandFailure.usage: .badRequest
        case CommandFailure.unavailable: .ok
        default: .internalServerError
        }
        return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", exitHeader: "\(exit)"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Request {
    func flag(_ name: String) -> Bool { uri.queryParameters.get(name).map { $0 == "1" || $0 == "true" } ?? false }

    func text() async throws -> String {
        let buffer = try await body.collect(upTo: 1 << 20)
        return String(buffer: buffer)
    }
}

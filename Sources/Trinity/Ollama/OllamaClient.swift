import FeedbackLoop
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Synchronization

/// The Ollama REST client on async-http-client. Model calls (`chat`, `generate`,
/// `embed`) take a `Lease`; listing, showing, loading and unloading belong to the
/// governor and call no model.
public final class OllamaClient: Sendable {
    public let endpoint: Endpoint
    public let counter: RequestCounter
    let timeouts: Timeouts
    private let configuration: HTTPClient.Configuration
    /// Made at the first request that finds Ollama listening: a client whose Ollama is
    /// down never starts the event loops.
    private let lazyHTTP = Mutex<HTTPClient?>(nil)
    /// Whether a request ever reached Ollama; until one has (and after one found it
    /// gone), a loopback endpoint is probed first.
    private let reached = Mutex(false)
    private let closed = Mutex(false)
    /// Each model's measured prompt evaluation rate (tokens a second), for the next
    /// call's first-byte deadline.
    let promptRates = Mutex<[String: Double]>([:])

    public init(_ endpoint: Endpoint, timeouts: Timeouts = Timeouts(), counter: RequestCounter = RequestCounter()) {
        self.endpoint = endpoint
        self.timeouts = timeouts
        self.counter = counter
        var config = HTTPClient.Configuration()
        // The read timeout is the stall guard between bytes; the first byte of a model
        // call has a deadline of its own, sized from the prompt.
        config.timeout = .init(connect: .nanoseconds(timeouts.connect.nanoseconds),
                               read: .nanoseconds(timeouts.stall.nanoseconds))
        config.connectionPool.idleTimeout = .seconds(30)
        // async-http-client retries a refused connect with backoff until the connect
        // timeout runs out; on loopback, refused means nothing listens: fail at once.
        config.connectionPool.retryConnectionEstablishment = false
        configuration = config
    }

    var http: HTTPClient {
        lazyHTTP.withLock { client in
            if let client { return client }
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            client = made
            return made
        }
    }

    public func shutdown() async {
        guard closed.withLock({ was in defer { was = true }; return !was }) else { return }
        if let client = lazyHTTP.withLock({ $0 }) { try? await client.shutdown() }
    }

    /// A client dropped without `shutdown()` (a caller's error path) still releases
    /// its connections, instead of leaking them (and tripping async-http-client's
    /// debug check).
    deinit {
        if closed.withLock({ !$0 }), let client = lazyHTTP.withLock({ $0 }) { client.shutdown { _ in } }
    }

    // MARK: listing

    public func tags() async throws(OllamaError) -> [OllamaAPI.TagModel] {
        try await json(OllamaAPI.Tags.self, "GET", "/api/tags", body: nil as String?).models
    }

    public func running() async throws(OllamaError) -> [OllamaAPI.RunningModel] {
        try await json(OllamaAPI.Running.self, "GET", "/api/ps", body: nil as String?).models
    }

    public func show(_ model: String) async throws(OllamaError) -> OllamaAPI.Show {
        try await json(OllamaAPI.Show.self, "POST", "/api/show", body: OllamaAPI.ShowRequest(model: model), model: model)
    }

    // MARK: residency, for the governor

    /// Loads `model` with `context` and `keepAlive` and returns when it is resident: an
    /// empty prompt (an embedding model: no input), as Ollama's documentation says to
    /// preload. A model already resident with that num_ctx only has its timer reset.
    func load(_ model: String, context: Int, keepAlive: Duration, embedding: Bool,
              timeout: Duration) async throws(OllamaError) {
        let options = OllamaAPI.Options(num_ctx: context)
        if embedding {
            let req = OllamaAPI.EmbedRequest(model: model, input: [], options: options, keep_alive: .seconds(keepAlive))
            _ = try await json(OllamaAPI.Embed.self, "POST", "/api/embed", body: req, model: model, deadline: timeout)
        } else {
            let req = OllamaAPI.GenerateRequest(model: model, prompt: "", stream: false, options: options,
                                                keep_alive: .seconds(keepAlive), format: nil)
            _ = try await json(OllamaAPI.Chunk.self, "POST", "/api/generate", body: req, model: model, deadline: timeout)
        }
    }

    /// Asks Ollama to free a model's memory: `keep_alive: 0` with an empty prompt.
    /// Ollama answers `done_reason: "unload"` before any capability check, so this
    /// serves embedding models too (server/routes.go, GenerateHandler), and frees the
    /// memory after it answers: the governor waits for `/api/ps` to show it.
    func unload(_ model: String) async throws(OllamaError) {
        let req = OllamaAPI.GenerateRequest(model: model, prompt: "", stream: false, options: nil,
                                            keep_alive: .number(0), format: nil)
        _ = try await json(OllamaAPI.Chunk.self, "POST", "/api/generate", body: req, model: model)
    }

    // MARK: transport

    func json<T: Decodable, B: Encodable & Sendable>(_ type: T.Type, _ method: String, _ path: String, body: B?,
                                                     model: String? = nil, deadline: Duration? = nil) async throws(OllamaError) -> T {
        try await jsonAnswer(type, method, path, body: body, model: model, deadline: deadline).value
    }

    /// The decoded answer, and whether `ollama-sim` sent it (its header).
    func jsonAnswer<T: Decodable, B: Encodable & Sendable>(_ type: T.Type, _ method: String, _ path: String, body: B?,
                                                           model: String? = nil, deadline: Duration? = nil)
        async throws(OllamaError) -> (value: T, simulated: Bool) {
        let response = try await send(method, path, body: body, model: model, deadline: deadline ?? timeouts.whole)
        do {
            let data = try await response.body.collect(upTo: 64 << 20)
            return (try Self.decode(T.self, Data(buffer: data)), response.headers.first(name: Self.simulatorHeader) == "1")
        } catch let e as OllamaError {
            throw e
        } catch {
            throw map(error, phase: "answer", received: 0)
        }
    }

    /// Sends and waits for the response's head, at most `firstByte` (the head comes
    /// with the first byte: Ollama writes nothing before it). Retries only a pooled
    /// connection the server had closed; maps HTTP errors to `OllamaError`.
    func send<B: Encodable & Sendable>(_ method: String, _ path: String, body: B?, model: String?,
                                       deadline: Duration, firstByte: Duration? = nil) async throws(OllamaError) -> HTTPClientResponse {
        let request = try makeRequest(method, path, body: body)
        var attempt = 0
        while true {
            counter.count(loopback: endpoint.isLoopback)
            if !reached.withLock({ $0 }), endpoint.refusesConnections() {
                throw .unreachable(host: endpoint.host, detail: "connection refused")
            }
            do {
                let r = try await execute(request, deadline: deadline, firstByte: firstByte)
                reached.withLock { $0 = true }
                try await Self.check(r, model: model)
                return r
            } catch let e as OllamaError {
                throw e
            } catch {
                let mapped = map(error, phase: "first byte", received: 0)
                if case .unreachable = mapped { reached.withLock { $0 = false } }
                guard case .unreachable(_, let detail) = mapped, detail == "connection closed",
                      attempt < timeouts.connectRetries else { throw mapped }
                attempt += 1
            }
        }
    }

    private func makeRequest<B: Encodable & Sendable>(_ method: String, _ path: String,
                                                      body: B?) throws(OllamaError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.base + path)
        request.method = method == "GET" ? .GET : .POST
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            do { request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body))) } catch {
                throw .malformedResponse(detail: "cannot encode the request: \(error)")
            }
        }
        return request
    }

    /// The request, its head awaited under `firstByte` when given: the wait is raced
    /// against a timer and cancelled (which closes the connection) when the timer wins.
    private func execute(_ request: HTTPClientRequest, deadline: Duration,
                         firstByte: Duration?) async throws -> HTTPClientResponse {
        let http = self.http
        let end = NIODeadline.now() + .nanoseconds(deadline.nanoseconds)
        guard let firstByte else { return try await http.execute(request, deadline: end) }
        return try await withThrowingTaskGroup(of: HTTPClientResponse?.self) { group in
            group.addTask { try await http.execute(request, deadline: end) }
            group.addTask {
                try await Task.sleep(for: firstByte)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw OllamaError.timeout(phase: "first byte", seconds: firstByte.seconds)
            }
            return response
        }
    }

    /// A non-2xx status as the error Ollama's body names.
    private static func check(_ r: HTTPClientResponse, model: String?) async throws {
        guard !(200..<300).contains(r.status.code) else { return }
        let data = (try? await r.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
        let message = (try? JSONDecoder().decode(OllamaAPI.ErrorBody.self, from: data))?.error
            ?? String(decoding: data.prefix(200), as: UTF8.self)
        if r.status.code == 404, let model, message.contains("not found") {
            throw OllamaError.modelNotFound(model: model, pull: "ollama pull \(model)")
        }
        throw OllamaError.server(status: Int(r.status.code), message: message)
    }

    func map(_ error: any Error, phase: String, received: Int) -> OllamaError {
        if let e = error as? OllamaError { return e }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return .unreachable(host: endpoint.host, detail: "connect timeout")
            case .readTimeout: return .timeout(phase: received > 0 ? "next chunk" : phase, seconds: timeouts.stall.seconds)
            case .deadlineExceeded: return .timeout(phase: "whole request", seconds: timeouts.whole.seconds)
            case .remoteConnectionClosed:
                return received > 0 ? .streamCut(received: received) : .unreachable(host: endpoint.host, detail: "connection closed")
            default: break
            }
        }
        if error is DecodingError { return .malformedResponse(detail: "\(error)") }
        // Plain lowercasing, not a localized comparison: that would load ICU's data
        // (tens of megabytes) into a daemon whose only fault was a dead Ollama.
        let text = "\(error)"
        let lower = text.lowercased()
        if lower.contains("refused") { return .unreachable(host: endpoint.host, detail: "connection refused") }
        if lower.contains("reset") || lower.contains("connect") {
            return .unreachable(host: endpoint.host, detail: text)
        }
        if received > 0 { return .streamCut(received: received) }
        return .unreachable(host: endpoint.host, detail: text)
    }

    static func decode<T: Decodable>(_ t: T.Type, _ data: Data) throws(OllamaError) -> T {
        do { return try JSONDecoder().decode(t, from: data) } catch {
            throw .malformedResponse(detail: String(decoding: data.prefix(120), as: UTF8.self))
        }
    }
}

extension JSONValue {
    /// A keep_alive as Ollama reads a number: seconds (api/types.go, `Duration.UnmarshalJSON`).
    static func seconds(_ d: Duration) -> JSONValue { .number(d.seconds.rounded()) }
}

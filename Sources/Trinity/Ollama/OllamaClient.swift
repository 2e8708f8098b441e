import FeedbackLoop
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Synchronization

/// How long to wait: for a connection, for the first byte (and between bytes of a
/// stream), for the whole request; and how often to retry a failed connection.
public struct Timeouts: Sendable, Equatable {
    /// Ollama is on loopback: a connection is made at once or not at all (and
    /// async-http-client keeps retrying a refused connect until this runs out).
    public var connect: Duration = .milliseconds(250)
    public var firstByte: Duration = .seconds(120)
    public var whole: Duration = .seconds(600)
    /// One retry: enough for an Ollama restarting; a dead one costs a cycle ~0.7 s.
    public var connectRetries = 1
    public var retryBackoff: Duration = .milliseconds(200)

    public init() {}
}

/// The Ollama REST client on async-http-client. Model calls (`chat`, `generate`,
/// `embed`) take a `Lease`; listing, showing and unloading do not call a model.
public final class OllamaClient: Sendable {
    public let endpoint: Endpoint
    public let counter: RequestCounter
    let timeouts: Timeouts
    let http: HTTPClient
    private let closed = Mutex(false)

    public init(_ endpoint: Endpoint, timeouts: Timeouts = Timeouts(), counter: RequestCounter = RequestCounter()) {
        self.endpoint = endpoint
        self.timeouts = timeouts
        self.counter = counter
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .nanoseconds(timeouts.connect.nanoseconds),
                               read: .nanoseconds(timeouts.firstByte.nanoseconds))
        config.connectionPool.idleTimeout = .seconds(30)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    public func shutdown() async {
        guard closed.withLock({ was in defer { was = true }; return !was }) else { return }
        try? await http.shutdown()
    }

    /// A client dropped without `shutdown()` (a caller's error path) still releases
    /// its connections, instead of leaking them (and tripping async-http-client's
    /// debug check).
    deinit {
        if closed.withLock({ !$0 }) { http.shutdown { _ in } }
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

    /// Frees a model's memory now: `keep_alive: 0` with an empty prompt — or, for an
    /// embedding model, which Ollama will not run `generate` on, with no input to embed.
    public func unload(_ model: String) async throws(OllamaError) {
        let req = OllamaAPI.GenerateRequest(model: model, prompt: "", stream: false, options: nil,
                                            keep_alive: .number(0), format: nil)
        do {
            _ = try await json(OllamaAPI.Chunk.self, "POST", "/api/generate", body: req, model: model)
        } catch .server(400, let message) where message.contains("does not support generate") {
            let embed = OllamaAPI.EmbedRequest(model: model, input: [], options: nil, keep_alive: .number(0))
            _ = try await json(OllamaAPI.Embed.self, "POST", "/api/embed", body: embed, model: model)
        }
    }

    // MARK: model calls, under a lease

    public func chat(_ lease: Lease, _ messages: [OllamaAPI.Message], format: JSONValue? = nil,
                     stream: Bool = true, keepAlive: JSONValue? = nil) async throws(OllamaError) -> Completion {
        let req = OllamaAPI.ChatRequest(model: lease.model, messages: messages, stream: stream,
                                        options: .init(num_ctx: lease.contextTokens), keep_alive: keepAlive, format: format)
        return try await complete(lease, "/api/chat", req, stream: stream)
    }

    public func generate(_ lease: Lease, _ prompt: String, format: JSONValue? = nil,
                         stream: Bool = true, keepAlive: JSONValue? = nil) async throws(OllamaError) -> Completion {
        let req = OllamaAPI.GenerateRequest(model: lease.model, prompt: prompt, stream: stream,
                                            options: .init(num_ctx: lease.contextTokens), keep_alive: keepAlive, format: format)
        return try await complete(lease, "/api/generate", req, stream: stream)
    }

    public func embed(_ lease: Lease, _ input: [String]) async throws(OllamaError) -> (vectors: [[Double]], metrics: CallMetrics) {
        let start = ContinuousClock.now
        let req = OllamaAPI.EmbedRequest(model: lease.model, input: input, options: .init(num_ctx: lease.contextTokens))
        let r = try await json(OllamaAPI.Embed.self, "POST", "/api/embed", body: req, model: lease.model)
        let prompt = r.prompt_eval_count ?? 0
        let m = CallMetrics(model: lease.model, loadSeconds: Double(r.load_duration ?? 0) / 1e9,
                            latencySeconds: (ContinuousClock.now - start).seconds, promptTokens: prompt, outputTokens: 0,
                            tokensPerSecond: 0, contextUse: Double(prompt) / Double(max(lease.contextTokens, 1)))
        return (r.embeddings, m)
    }

    /// A chat or generate call, streamed (NDJSON, assembled here) or not.
    private func complete<B: Encodable & Sendable>(_ lease: Lease, _ path: String, _ body: B,
                                                   stream: Bool) async throws(OllamaError) -> Completion {
        let start = ContinuousClock.now
        let response = try await send("POST", path, body: body, model: lease.model)
        var text = ""
        var final: OllamaAPI.Chunk?
        var chunks = 0
        var lines = NDJSONLines()
        do {
            for try await buffer in response.body {
                for line in lines.feed(buffer) {
                    let chunk = try Self.decode(OllamaAPI.Chunk.self, line)
                    chunks += 1
                    text += chunk.message?.content ?? chunk.response ?? ""
                    if chunk.done == true { final = chunk }
                }
            }
            if let rest = lines.finish() {
                let chunk = try Self.decode(OllamaAPI.Chunk.self, rest)
                chunks += 1
                text += chunk.message?.content ?? chunk.response ?? ""
                if chunk.done == true { final = chunk }
            }
        } catch let e as OllamaError {
            throw e
        } catch {
            throw map(error, phase: "first byte", received: chunks)
        }
        guard let f = final else {
            if chunks == 0 { throw .malformedResponse(detail: "empty body") }
            throw .streamCut(received: chunks)
        }
        let evalSeconds = Double(f.eval_duration ?? 0) / 1e9
        let prompt = f.prompt_eval_count ?? 0, output = f.eval_count ?? 0
        let m = CallMetrics(model: lease.model, loadSeconds: Double(f.load_duration ?? 0) / 1e9,
                            latencySeconds: (ContinuousClock.now - start).seconds, promptTokens: prompt,
                            outputTokens: output, tokensPerSecond: evalSeconds > 0 ? Double(output) / evalSeconds : 0,
                            contextUse: Double(prompt) / Double(max(lease.contextTokens, 1)))
        return Completion(text: text, metrics: m)
    }

    // MARK: transport

    private func json<T: Decodable, B: Encodable & Sendable>(_ type: T.Type, _ method: String, _ path: String,
                                                             body: B?, model: String? = nil) async throws(OllamaError) -> T {
        let response = try await send(method, path, body: body, model: model)
        do {
            let data = try await response.body.collect(upTo: 64 << 20)
            return try Self.decode(T.self, Data(buffer: data))
        } catch let e as OllamaError {
            throw e
        } catch {
            throw map(error, phase: "first byte", received: 0)
        }
    }

    /// Sends with retries for connection errors only (nothing was sent, so repeating
    /// is safe); maps HTTP errors to `OllamaError`.
    private func send<B: Encodable & Sendable>(_ method: String, _ path: String, body: B?,
                                               model: String?) async throws(OllamaError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: endpoint.base + path)
        request.method = method == "GET" ? .GET : .POST
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            do { request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body))) } catch {
                throw .malformedResponse(detail: "cannot encode the request: \(error)")
            }
        }
        var attempt = 0
        while true {
            counter.count(loopback: endpoint.isLoopback)
            do {
                let r = try await http.execute(request, deadline: .now() + .nanoseconds(timeouts.whole.nanoseconds))
                guard (200..<300).contains(r.status.code) else {
                    let data = (try? await r.body.collect(upTo: 1 << 20)).map { Data(buffer: $0) } ?? Data()
                    let message = (try? JSONDecoder().decode(OllamaAPI.ErrorBody.self, from: data))?.error
                        ?? String(decoding: data.prefix(200), as: UTF8.self)
                    if r.status.code == 404, let model, message.contains("not found") {
                        throw OllamaError.modelNotFound(model: model, pull: "ollama pull \(model)")
                    }
                    throw OllamaError.server(status: Int(r.status.code), message: message)
                }
                return r
            } catch let e as OllamaError {
                throw e
            } catch {
                let mapped = map(error, phase: "first byte", received: 0)
                guard case .unreachable = mapped, attempt < timeouts.connectRetries else { throw mapped }
                attempt += 1
                try? await Task.sleep(for: timeouts.retryBackoff * (1 << (attempt - 1)))
            }
        }
    }

    private func map(_ error: any Error, phase: String, received: Int) -> OllamaError {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return .unreachable(host: endpoint.host, detail: "connect timeout")
            case .readTimeout: return .timeout(phase: phase, seconds: timeouts.firstByte.seconds)
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

/// Splits a byte stream into lines (NDJSON), across buffer boundaries.
struct NDJSONLines {
    private var pending = Data()

    mutating func feed(_ buffer: ByteBuffer) -> [Data] {
        pending.append(contentsOf: buffer.readableBytesView)
        var out: [Data] = []
        while let nl = pending.firstIndex(of: 0x0A) {
            let line = pending[pending.startIndex..<nl]
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { out.append(Data(line)) }
            pending = Data(pending[(nl + 1)...])
        }
        return out
    }

    mutating func finish() -> Data? {
        defer { pending = Data() }
        return pending.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) ? nil : pending
    }
}


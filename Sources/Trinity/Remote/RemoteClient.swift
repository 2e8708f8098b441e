import AsyncHTTPClient
import FeedbackLoop
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// One chat completion from an OpenAI-compatible API, within a deadline. A 429 is
/// waited out as its `Retry-After` says, when the wait ends before the deadline; every
/// other failure is a `RemoteError` at once (a 5xx is not retried: the night has one
/// call to spend, and the local template stands meanwhile).
public struct RemoteClient: Sendable {
    public let settings: RemoteSettings
    /// At most this many 429s are waited out.
    public var maxRateLimitRetries = 3

    public init(settings: RemoteSettings) { self.settings = settings }

    public func complete(_ body: Data, within deadline: Duration) async throws(RemoteError) -> RemoteCompletion {
        let key = try settings.key.read()
        do { return try await complete(body, key: key, within: deadline) } catch { throw error.redacting(key) }
    }

    private func complete(_ body: Data, key: String, within deadline: Duration) async throws(RemoteError) -> RemoteCompletion {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + deadline
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration)
        defer { http.shutdown { _ in } }
        var retries = 0
        while true {
            let response = try await send(http, body, key: key, until: end, clock: clock)
            if response.status == 429, retries < maxRateLimitRetries {
                let wait = Self.retryAfter(response.headers, attempt: retries)
                // Compared in seconds, not as a Duration: a Retry-After of years must
                // not overflow one. The retry itself needs time too.
                if wait + Self.retryHeadroomSeconds < (end - clock.now).seconds {
                    retries += 1
                    do { try await Task.sleep(for: .seconds(wait)) } catch {
                        throw .rateLimited(retryAfterSeconds: nil, message: "cancelled while waiting out a 429")
                    }
                    continue
                }
                throw .rateLimited(retryAfterSeconds: wait, message: Self.message(response.body))
            }
            var completion = try Self.completion(response)
            completion.latencySeconds = (clock.now - start).seconds
            completion.rateLimitedRetries = retries
            return completion
        }
    }

    /// `GET /models`: the models the key may use (OpenAI bills nothing for it), for
    /// `doctor`.
    public func listModels(within deadline: Duration) async throws(RemoteError) -> [String] {
        let key = try settings.key.read()
        do { return try await listModels(key: key, within: deadline) } catch { throw error.redacting(key) }
    }

    private func listModels(key: String, within deadline: Duration) async throws(RemoteError) -> [String] {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration)
        defer { http.shutdown { _ in } }
        var request = HTTPClientRequest(url: settings.url("/models"))
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let answer: Answer
        do {
            let r = try await http.execute(request, timeout: .nanoseconds(deadline.nanoseconds))
            answer = Answer(status: Int(r.status.code), headers: r.headers, body: Data(buffer: try await r.body.collect(upTo: 8 << 20)))
        } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout {
            throw .timeout(seconds: deadline.seconds)
        } catch {
            throw .unreachable("\(error)")
        }
        switch answer.status {
        case 200..<300: break
        case 401, 403: throw .refused(status: answer.status, message: Self.message(answer.body))
        default: throw .server(status: answer.status, message: Self.message(answer.body))
        }
        struct List: Decodable { struct Entry: Decodable { var id: String }; var data: [Entry]? }
        guard let list = try? JSONDecoder().decode(List.self, from: answer.body) else { throw .malformed("not a model list") }
        return (list.data ?? []).map(\.id)
    }

    /// A connect timeout of its own: the unit's IP filter drops a denied address's
    /// packets, and a stage should learn that in seconds, not at its deadline.
    static let configuration: HTTPClient.Configuration = {
        var c = HTTPClient.Configuration()
        c.timeout = .init(connect: .seconds(10))
        c.connectionPool.retryConnectionEstablishment = false
        return c
    }()

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    private func send(_ http: HTTPClient, _ body: Data, key: String, until end: ContinuousClock.Instant,
                      clock: ContinuousClock) async throws(RemoteError) -> Answer {
        var request = HTTPClientRequest(url: settings.url("/chat/completions"))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.body = .bytes(ByteBuffer(data: body))
        let left = end - clock.now
        guard left > .zero else { throw .timeout(seconds: 0) }
        do {
            let r = try await http.execute(request, deadline: .now() + .nanoseconds(left.nanoseconds))
            let bytes = try await r.body.collect(upTo: 8 << 20)
            return Answer(status: Int(r.status.code), headers: r.headers, body: Data(buffer: bytes))
        } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout {
            throw .timeout(seconds: left.seconds)
        } catch let e as HTTPClientError where e == .connectTimeout {
            throw .unreachable("no connection within 10 s (\(settings.host) dropped, or filtered by the unit's IPAddressAllow=)")
        } catch let e as HTTPClientError where e == .remoteConnectionClosed {
            throw .malformed("the connection closed before a whole answer")
        } catch let e as NIOConnectionError {
            // Every address refused or unreachable: nothing was sent.
            throw .unreachable("no connection to \(settings.host): \(e.connectionErrors.map { "\($0.error)" }.first ?? "\(e)")")
        } catch let e as IOError where Self.connectErrnos.contains(e.errnoCode) {
            // Refused, no route, or (EPERM/EACCES) a local filter: nothing was sent.
            throw .unreachable("no connection to \(settings.host): \(e)")
        } catch {
            if clock.now >= end { throw .timeout(seconds: left.seconds) }
            // Anything else (a reset, a cancellation) may have come after the request
            // left: it may have been billed, so it is booked as an answer never read.
            throw .malformed("the call ended without an answer: \(error)")
        }
    }

    /// What a retry after a 429 is given at least: not worth sending with less.
    static let retryHeadroomSeconds = 1.0

    /// connect(2)'s failures: the request never left.
    static let connectErrnos: Set<Int32> = [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EPERM, EACCES, EADDRNOTAVAIL]

    /// The status's meaning, or the answer's completion.
    static func completion(_ a: Answer) throws(RemoteError) -> RemoteCompletion {
        switch a.status {
        case 200..<300: break
        case 401, 403: throw .refused(status: a.status, message: message(a.body))
        case 429: throw .rateLimited(retryAfterSeconds: nil, message: message(a.body))
        case 500, 503:
            // The API's own error (500 "The server had an error", 503 "overloaded") says
            // it did no work; a proxy's page in its place may stand for a call that ran.
            guard (try? JSONDecoder().decode(OpenAIChat.ErrorBody.self, from: a.body)) != nil else {
                throw .malformed("the API answered \(a.status) without its error body: \(message(a.body))")
            }
            throw .server(status: a.status, message: message(a.body))
        case 500...:
            // 502, 504, 52x: a gateway's answer, whatever its body (LiteLLM's and API
            // gateways' are OpenAI-shaped), after the model behind it may have run and
            // billed: booked as an answer never read.
            throw .malformed("a gateway answered \(a.status): \(message(a.body))")
        default: throw .server(status: a.status, message: message(a.body))
        }
        guard let r = try? JSONDecoder().decode(OpenAIChat.Response.self, from: a.body) else {
            throw .malformed("not a chat completion (\(a.body.count) bytes)")
        }
        guard let choice = r.choices.first, let message = choice.message else { throw .malformed("no choice with a message") }
        guard let text = message.content else {
            throw .malformed(message.refusal.map { "the model refused: \(String($0.prefix(300)))" } ?? "a message without content")
        }
        return RemoteCompletion(text: text, finishReason: choice.finish_reason, usage: r.usage,
                                latencySeconds: 0, rateLimitedRetries: 0)
    }

    /// The API's own words for an error: `error.message`, else the body's start.
    static func message(_ body: Data) -> String {
        if let e = try? JSONDecoder().decode(OpenAIChat.ErrorBody.self, from: body), let m = e.error.message {
            return String(m.prefix(300))
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }

    /// Retry-After in seconds (RFC 9110 §10.2.3: a number of seconds or an HTTP date;
    /// OpenAI's SDK reads `retry-after-ms` first, openai-python `_parse_retry_after_header`);
    /// without either, 1, 2, 4 s. At most a day: anything longer is past every deadline
    /// anyway, and keeps the arithmetic finite.
    static func retryAfter(_ headers: HTTPHeaders, attempt: Int, now: Date = Date()) -> Double {
        min(rawRetryAfter(headers, attempt: attempt, now: now), 86_400)
    }

    private static func rawRetryAfter(_ headers: HTTPHeaders, attempt: Int, now: Date) -> Double {
        if let ms = headers.first(name: "retry-after-ms").flatMap(Double.init), ms.isFinite, ms >= 0 { return ms / 1000 }
        if let v = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) {
            if let s = Double(v), s.isFinite, s >= 0 { return s }
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let d = f.date(from: v) { return max(0, d.timeIntervalSince(now)) }
        }
        return Double(1 << min(attempt, 2))
    }
}

import Foundation

/// Why a remote Architect call gave no usable answer. Each is a fallback with its
/// reason, never a failed cycle or report.
public enum RemoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key file: missing, unreadable, empty.
    case key(String)
    /// 401 or 403: the API refused the key (or the key may not use the model).
    case refused(status: Int, message: String)
    /// 429 whose Retry-After would end past the stage's deadline (or after the retries).
    case rateLimited(retryAfterSeconds: Double?, message: String)
    /// Any other non-2xx status.
    case server(status: Int, message: String)
    /// No connection: refused, reset, no route, or dropped by the unit's IP filter.
    case unreachable(String)
    /// No whole answer within the deadline.
    case timeout(seconds: Double)
    /// A 2xx answer that is not the chat completion it should be.
    case malformed(String)

    public var description: String {
        switch self {
        case .key(let d): "API key: \(d)"
        case .refused(let s, let m): "the API refused the key (\(s)): \(m)"
        case .rateLimited(let after, let m):
            "rate limited (429)" + (after.map { ", Retry-After \(Int($0.rounded(.up))) s past the deadline" } ?? "") + ": \(m)"
        case .server(let s, let m): "the API answered \(s): \(m)"
        case .unreachable(let d): "the API is unreachable: \(d)"
        case .timeout(let s): "no answer from the API within \(Int(s)) s"
        case .malformed(let d): "the API's answer is not a chat completion: \(d)"
        }
    }

    /// The short name metrics and the ledger use.
    public var kind: String {
        switch self {
        case .key: "key"
        case .refused: "refused"
        case .rateLimited: "rate_limited"
        case .server: "server_error"
        case .unreachable: "unreachable"
        case .timeout: "timeout"
        case .malformed: "malformed"
        }
    }

    /// The same error with the key, and anything shaped like a key, out of the API's
    /// words: OpenAI's 401 quotes the key it was given ("Incorrect API key provided:
    /// sk-abc1***wxyz"), and these messages reach the journal and the report.
    public func redacting(_ key: String) -> RemoteError {
        func r(_ text: String) -> String { Self.redact(text, key: key) }
        switch self {
        case .key(let d): return .key(r(d))
        case .refused(let s, let m): return .refused(status: s, message: r(m))
        case .rateLimited(let a, let m): return .rateLimited(retryAfterSeconds: a, message: r(m))
        case .server(let s, let m): return .server(status: s, message: r(m))
        case .unreachable(let d): return .unreachable(r(d))
        case .timeout: return self
        case .malformed(let d): return .malformed(r(d))
        }
    }

    /// Providers' key shapes: sk-… (OpenAI, Anthropic, DeepSeek), gsk_… (Groq), and any
    /// Bearer token quoted back.
    static let keyShapes = try! NSRegularExpression(  // a constant pattern: it compiles
        pattern: #"(\b(sk|gsk|xai|pk)[-_][A-Za-z0-9_*\-]{6,})|(Bearer\s+\S+)"#)

    /// The key itself is replaced only when it is long enough to be a secret: a local
    /// server's placeholder key ("ollama", "EMPTY") would otherwise blank ordinary words.
    static func redact(_ text: String, key: String) -> String {
        let bare = key.count < 12 ? text : text.replacingOccurrences(of: key, with: "[key]")
        return keyShapes.stringByReplacingMatches(in: bare, range: NSRange(bare.startIndex..., in: bare), withTemplate: "[key]")
    }

    /// Whether the API may have done (and billed) the work: a request that left and no
    /// answer saying otherwise. Such a call is booked at its worst case; a refusal
    /// (4xx, 5xx with an error body) or no connection at all is booked at nothing.
    public var mayHaveBilled: Bool {
        switch self {
        case .timeout, .malformed: true
        case .key, .refused, .rateLimited, .server, .unreachable: false
        }
    }
}

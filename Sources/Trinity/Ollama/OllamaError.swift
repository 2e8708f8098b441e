/// What can go wrong talking to Ollama, in terms a caller can act on.
public enum OllamaError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Not loopback while AGENCY_MODE=local_only: refused before any packet is sent.
    case refusedNonLocal(host: String)
    /// Nothing answered (connection refused, reset, connect timeout) after the retries.
    case unreachable(host: String, detail: String)
    /// 404 for a model: `pull` is the command that fixes it.
    case modelNotFound(model: String, pull: String)
    case server(status: Int, message: String)
    /// No answer in time: `phase` is "first byte" or "whole request".
    case timeout(phase: String, seconds: Double)
    /// An answer that is not the JSON it should be.
    case malformedResponse(detail: String)
    /// A stream that ended before its final `done: true` object.
    case streamCut(received: Int)
    /// Ollama failed after the answer began (`{"error": …}` as a stream line), e.g.
    /// "CUDA error: out of memory": its own words.
    case modelFailed(message: String)

    public var description: String {
        switch self {
        case .refusedNonLocal(let h): "refused \(h): AGENCY_MODE=local_only allows loopback endpoints only"
        case .unreachable(let h, let d): "Ollama at \(h) is unreachable: \(d)"
        case .modelNotFound(let m, let pull): "model \(m) is not pulled: run `\(pull)`"
        case .server(let s, let m): "Ollama answered \(s): \(m)"
        case .timeout(let p, let s): "no \(p) from Ollama within \(s) s"
        case .malformedResponse(let d): "Ollama's answer is not valid: \(d)"
        case .streamCut(let n): "the stream ended after \(n) chunk(s), before its final object"
        case .modelFailed(let m): "Ollama failed mid-answer: \(m)"
        }
    }

    /// The short name reports use for a fallback's cause.
    public var kind: String {
        switch self {
        case .refusedNonLocal: "refused_non_local"
        case .unreachable: "unreachable"
        case .modelNotFound: "model_not_found"
        case .server: "server_error"
        case .timeout: "timeout"
        case .malformedResponse: "malformed"
        case .streamCut: "stream_cut"
        case .modelFailed: "model_failed"
        }
    }
}

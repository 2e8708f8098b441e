import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A complete answer to one request, computed before anything is written, so the connection
/// code can deliver it whole, or deliberately broken when a fault says so.
struct Reply: Sendable {
    enum Body: Sendable {
        case whole(ByteBuffer)
        /// NDJSON lines (each ends in "\n"), sent as chunked transfer encoding.
        case ndjson([ByteBuffer], chunkDelay: Duration)
    }

    var status: HTTPResponseStatus
    var contentType: String
    var body: Body
    /// Run once the reply has been written (or the write failed): releases the model the
    /// request held, so a model mid-stream counts as busy (a reference), as in Ollama.
    var finish: ReplyFinish? = nil
    /// Headers beyond the content's own (Retry-After).
    var headers: [(name: String, value: String)] = []

    static let jsonType = "application/json; charset=utf-8"
    static let ndjsonType = "application/x-ndjson"

    static func json(_ bytes: ByteBuffer, status: HTTPResponseStatus = .ok) -> Reply {
        Reply(status: status, contentType: jsonType, body: .whole(bytes))
    }

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponseStatus = .ok) -> Reply {
        json(JSONBody.encode(value), status: status)
    }

    static func ndjson(_ objects: [ByteBuffer], chunkDelay: Duration) -> Reply {
        let lines = objects.map { object -> ByteBuffer in
            var line = object
            line.writeString("\n")
            return line
        }
        return Reply(status: .ok, contentType: ndjsonType, body: .ndjson(lines, chunkDelay: chunkDelay))
    }

    static func error(_ status: HTTPResponseStatus, _ message: String) -> Reply {
        json(ErrorBody(error: message), status: status)
    }

    static func text(_ text: String) -> Reply {
        Reply(status: .ok, contentType: "text/plain; charset=utf-8", body: .whole(ByteBuffer(string: text)))
    }
}

/// Work to do after a reply is written; see `Reply.finish`.
struct ReplyFinish: Sendable {
    let run: @Sendable () async -> Void
}

/// A request the simulator refuses; endpoints throw it and the router turns it into a reply.
struct HTTPError: Error {
    var status: HTTPResponseStatus
    var message: String

    init(_ status: HTTPResponseStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    static func modelNotFound(_ name: String) -> HTTPError {
        HTTPError(.notFound, "model '\(name)' not found")
    }

    var reply: Reply { .error(status, message) }
}

enum JSONBody {
    static func encode<Value: Encodable>(_ value: Value) -> ByteBuffer {
        let encoder = JSONEncoder()
        // Sorted keys: the same request must produce byte-identical bodies.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return ByteBuffer(data: try encoder.encode(value))
        } catch {
            return ByteBuffer(string: #"{"error":"the simulator could not encode its response"}"#)
        }
    }

    /// Bad JSON from a client is a 400 with a readable reason, never a crash.
    static func decode<Value: Decodable>(_ type: Value.Type, from body: ByteBuffer) throws -> Value {
        guard body.readableBytes > 0 else { throw HTTPError(.badRequest, "missing request body") }
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let error as HTTPError {
            // A field that refuses itself in Ollama's words (keep_alive's Go duration errors).
            throw error
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, "invalid request body: \(describe(error))")
        } catch {
            throw HTTPError(.badRequest, "invalid request body")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the body" : "'" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)) must be \(type)"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)) must be \(type), not null"
        case .keyNotFound(let key, _):
            return "missing field '\(key.stringValue)'"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "cannot decode"
        }
    }
}

import NIOCore
import NIOHTTP1

/// One complete request: head and the whole body.
struct HTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer

    /// The URI without its query string.
    var path: String {
        String(head.uri.prefix { $0 != "?" })
    }

    /// Control requests are never faulted: a test must always be able to reach them.
    var isControl: Bool {
        path.hasPrefix("/sim/")
    }

    /// The model a request body names, for the notFound fault's message.
    var requestedModelName: String? {
        guard body.readableBytes > 0 else { return nil }
        return (try? JSONBody.decode(ModelNameRequest.self, from: body))?.requestedName
    }
}

/// What the reader hands the connection loop.
enum IncomingRequest: Sendable {
    case complete(HTTPRequest)
    /// The body exceeded `RequestReader.maxBodyBytes`; its bytes were discarded.
    case tooLarge(HTTPRequestHead)

    var head: HTTPRequestHead {
        switch self {
        case .complete(let request): return request.head
        case .tooLarge(let head): return head
        }
    }
}

/// Assembles NIO's head/body/end parts into whole requests.
enum RequestReader {
    typealias Parts = NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator

    /// Far above any real Ollama request; the limit only keeps a broken client from
    /// exhausting memory.
    static let maxBodyBytes = 64 << 20

    /// The next request, or nil when the client closed the connection.
    static func next(from parts: inout Parts) async throws -> IncomingRequest? {
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        var tooLarge = false
        while let part = try await parts.next() {
            switch part {
            case .head(let newHead):
                head = newHead
                body.clear()
                tooLarge = false
            case .body(var chunk):
                guard head != nil, !tooLarge else { continue }
                if body.readableBytes + chunk.readableBytes > maxBodyBytes {
                    tooLarge = true
                    body = ByteBuffer()
                } else {
                    body.writeBuffer(&chunk)
                }
            case .end:
                guard let head else { continue }
                return tooLarge ? .tooLarge(head) : .complete(HTTPRequest(head: head, body: body))
            }
        }
        return nil
    }

    /// Swallows everything the client sends until it closes the connection (the stall fault).
    static func drain(_ parts: inout Parts) async throws {
        while try await parts.next() != nil {}
    }
}

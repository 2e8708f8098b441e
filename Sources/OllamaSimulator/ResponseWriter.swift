import NIOCore
import NIOHTTP1

/// Writes a `Reply` on one connection, whole or deliberately truncated.
struct ResponseWriter {
    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let request: HTTPRequestHead

    private var supportsChunked: Bool {
        request.version.major > 1 || (request.version.major == 1 && request.version.minor >= 1)
    }

    /// Sends the whole reply.
    /// - Returns: whether the connection may carry another request.
    func send(_ reply: Reply) async throws -> Bool {
        switch reply.body {
        case .whole(let bytes):
            let keepAlive = request.isKeepAlive
            try await writeHead(reply, contentLength: bytes.readableBytes, keepAlive: keepAlive)
            if request.method != .HEAD, bytes.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(bytes)))
            }
            try await outbound.write(.end(nil))
            return keepAlive
        case .ndjson(let lines, let delay):
            // HTTP/1.0 has no chunked encoding: there the end of the stream is the close.
            let keepAlive = request.isKeepAlive && supportsChunked
            try await writeHead(reply, contentLength: nil, keepAlive: keepAlive)
            for (index, line) in lines.enumerated() {
                if index > 0, delay > .zero { try await Task.sleep(for: delay) }
                try await outbound.write(.body(.byteBuffer(line)))
            }
            try await outbound.write(.end(nil))
            return keepAlive
        }
    }

    /// Sends the head and part of the body, never the end: the caller then closes the
    /// connection, so the client sees a stream or body that stops short (the cutStream fault).
    func sendTruncated(_ reply: Reply) async throws {
        switch reply.body {
        case .whole(let bytes):
            try await writeHead(reply, contentLength: bytes.readableBytes, keepAlive: true)
            if let half = bytes.getSlice(at: bytes.readerIndex, length: bytes.readableBytes / 2), half.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(half)))
            }
        case .ndjson(let lines, let delay):
            try await writeHead(reply, contentLength: nil, keepAlive: true)
            // At least one chunk, never the final done:true line.
            let kept = max(1, (lines.count - 1) / 2)
            for (index, line) in lines.prefix(kept).enumerated() {
                if index > 0, delay > .zero { try await Task.sleep(for: delay) }
                try await outbound.write(.body(.byteBuffer(line)))
            }
        }
    }

    /// Streaming: the head, the first half of the content chunks (at least one, never the
    /// done:true line), then `{"error": message}` as one more NDJSON line and a normal end.
    /// Anything else: a 500 JSON error, unless the reply already is an error.
    /// Ollama: server/routes.go `streamResponse` — once `c.Writer.Written()`, an error is
    /// `json.NewEncoder(c.Writer).Encode(gin.H{"error": e})` and the stream ends; before that,
    /// `c.JSON(status, gin.H{"error": e})` with status 500 by default.
    /// - Returns: whether the connection may carry another request.
    func sendWithMidStreamError(_ reply: Reply, message: String) async throws -> Bool {
        guard reply.status == .ok else { return try await send(reply) }
        guard case .ndjson(let lines, let delay) = reply.body else {
            return try await send(.error(.internalServerError, message))
        }
        let keepAlive = request.isKeepAlive && supportsChunked
        try await writeHead(reply, contentLength: nil, keepAlive: keepAlive)
        let kept = max(1, (lines.count - 1) / 2)
        for (index, line) in lines.prefix(kept).enumerated() {
            if index > 0, delay > .zero { try await Task.sleep(for: delay) }
            try await outbound.write(.body(.byteBuffer(line)))
        }
        var errorLine = JSONBody.encode(ErrorBody(error: message))
        errorLine.writeString("\n")
        try await outbound.write(.body(.byteBuffer(errorLine)))
        try await outbound.write(.end(nil))
        return keepAlive
    }

    /// The endpoints whose content is made up: real Ollama never sends this header, so a
    /// client or a log can tell simulated text from a model's.
    static let simulatedPaths: Set<String> = ["/api/generate", "/api/chat", "/api/embed", "/v1/chat/completions"]
    static let simulatorHeader = (name: "X-Ollama-Simulator", value: "1")

    private func writeHead(_ reply: Reply, contentLength: Int?, keepAlive: Bool) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: reply.contentType)
        if Self.simulatedPaths.contains(String(request.uri.prefix { $0 != "?" })) {
            headers.add(name: Self.simulatorHeader.name, value: Self.simulatorHeader.value)
        }
        if let contentLength {
            headers.add(name: "Content-Length", value: String(contentLength))
        } else if supportsChunked {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        for h in reply.headers { headers.add(name: h.name, value: h.value) }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: request.version, status: reply.status, headers: headers)
        try await outbound.write(.head(head))
    }
}

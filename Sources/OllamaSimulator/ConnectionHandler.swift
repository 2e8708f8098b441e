import NIOCore
import NIOHTTP1

typealias HTTPConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// Serves the requests of one connection in turn (keep-alive), applying injected faults.
/// Each connection runs in its own task, so a stalled one never holds up the others.
struct ConnectionHandler: Sendable {
    let router: Router
    let state: SimulatorState

    /// How a request leaves its connection.
    enum Outcome {
        case keepOpen
        /// Flush what was written, then close (Connection: close, or a cut stream).
        case closeAfterWriting
        /// Close at once, writing nothing more (the down and stall faults).
        case abandon
    }

    func handle(_ connection: HTTPConnection) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let incoming = try await RequestReader.next(from: &parts) {
                    let writer = ResponseWriter(outbound: outbound, request: incoming.head)
                    switch try await serve(incoming, parts: &parts, writer: writer) {
                    case .keepOpen:
                        continue
                    case .closeAfterWriting:
                        // A half-close waits for queued writes; a plain close would drop them.
                        try? await channel.close(mode: .output)
                        return
                    case .abandon:
                        return
                    }
                }
            }
        } catch {
            // A client that hangs up mid-response is its own business, not the server's.
        }
    }

    private func serve(
        _ incoming: IncomingRequest, parts: inout RequestReader.Parts, writer: ResponseWriter
    ) async throws -> Outcome {
        guard case .complete(let request) = incoming else {
            _ = try await writer.send(.error(.payloadTooLarge, "request body too large"))
            return .closeAfterWriting
        }
        await state.countRequest(path: request.path)
        let fault = request.isControl ? nil : await state.takeFault(for: request.path, content: false)
        let reply: Reply
        switch fault {
        case .down?:
            return .abandon
        case .stall?:
            try await RequestReader.drain(&parts)
            return .abandon
        case .cutStream?:
            let routed = await router.route(request)
            try await deliver(routed) { try await writer.sendTruncated(routed) }
            return .closeAfterWriting
        case .midStreamError?:
            let routed = await router.route(request)
            let reusable = try await deliver(routed) {
                try await writer.sendWithMidStreamError(routed, message: Fault.midStreamErrorMessage)
            }
            return reusable ? .keepOpen : .closeAfterWriting
        case .notFound?:
            reply = errorReply(request, HTTPError.modelNotFound(request.requestedModelName ?? "unknown"))
        case .serverError?:
            reply = errorReply(request, HTTPError(.internalServerError, "simulated internal error"))
        case .malformed?:
            reply = .json(ByteBuffer(string: #"{"model": "x", "message": {"#))
        case .unauthorized?:
            reply = OpenAIEndpoint.error(.unauthorized, "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key")
        case .forbidden?:
            reply = OpenAIEndpoint.error(.forbidden, "Country, region, or territory not supported",
                                         type: "request_forbidden", code: "unsupported_country_region_territory")
        case .rateLimited?:
            var r = OpenAIEndpoint.error(.tooManyRequests, "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded")
            r.headers = [("Retry-After", "\(await state.retryAfterSeconds)")]
            reply = r
        case .noUsage?:
            reply = OpenAIEndpoint.withoutUsage(await router.route(request))
        case .badGateway?:
            let ran = await router.route(request)  // the request went on and ran; the proxy lost the answer
            reply = Reply(status: .badGateway, contentType: "text/html",
                          body: .whole(ByteBuffer(string: "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>\n")),
                          finish: ran.finish)
        case nil, .fenced?, .sloppy?, .salad?, .truncated?, .wrongIDs?:
            reply = await router.route(request)
        }
        return try await deliver(reply) { try await writer.send(reply) } ? .keepOpen : .closeAfterWriting
    }

    /// An error in the envelope of the API the request used: OpenAI's under /v1
    /// (middleware/openai.go `writeError`), Ollama's `{"error": …}` elsewhere.
    private func errorReply(_ request: HTTPRequest, _ e: HTTPError) -> Reply {
        request.path.hasPrefix("/v1/") ? OpenAIEndpoint.error(e.status, e.message) : e.reply
    }

    /// Writes a reply, then runs its `finish` (the model's release) whether the write
    /// succeeded or the client hung up.
    private func deliver<Result>(_ reply: Reply, _ write: () async throws -> Result) async throws -> Result {
        do {
            let result = try await write()
            await reply.finish?.run()
            return result
        } catch {
            await reply.finish?.run()
            throw error
        }
    }
}

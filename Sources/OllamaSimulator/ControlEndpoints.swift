import NIOCore

/// `/sim/*`: fault injection and state inspection over HTTP, for demos and for tests that
/// drive the simulator from another process.
struct ControlEndpoints: Sendable {
    let context: EndpointContext

    func inject(_ body: ByteBuffer) async throws -> Reply {
        let request = try JSONBody.decode(FaultRequest.self, from: body)
        guard let name = request.fault,
              let fault = Fault.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() })
        else {
            let names = Fault.allCases.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.badRequest, "unknown fault '\(request.fault ?? "")': expected one of \(names)")
        }
        let count = request.count ?? 1
        guard count > 0 else { throw HTTPError(.badRequest, "count must be at least 1") }
        if let seconds = request.retry_after {
            guard seconds >= 0 else { throw HTTPError(.badRequest, "retry_after must be >= 0") }
            await context.state.setRetryAfter(seconds)
        }
        await context.state.inject(fault, count: count, path: request.path)
        return .json(AcknowledgementBody())
    }

    func clear() async -> Reply {
        await context.state.clearFaults()
        return .json(AcknowledgementBody())
    }

    /// `POST /sim/hog {"bytes": N}` pins the external memory hog to N bytes; `{"bytes": null}`
    /// (or no "bytes") returns it to the configured wave.
    func hog(_ body: ByteBuffer) async throws -> Reply {
        let request = body.readableBytes > 0 ? try JSONBody.decode(HogRequest.self, from: body) : HogRequest()
        if let bytes = request.bytes, bytes < 0 { throw HTTPError(.badRequest, "bytes must be >= 0") }
        await context.state.setHog(bytes: request.bytes)
        return .json(AcknowledgementBody())
    }

    func snapshot() async -> Reply {
        let state = context.state
        return .json(StateBody(
            resident: await state.residentModels(),
            loads: await state.loadCounts(),
            requests: await state.requestCounts(),
            faults: await state.pendingFaults(),
            counters: await state.unloadCounters(),
            unloading: await state.unloadingModels(),
            violations: await state.violationCount(),
            recentViolations: await state.recentViolations(),
            hogBytes: await state.hogBytes(),
            memAvailableBytes: await state.availableBytes()))
    }
}

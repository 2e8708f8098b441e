import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OllamaSimulator

/// A started simulator with its own meminfo file, driven over real HTTP. A scope, so no test
/// leaks a server: `try await Harness.with({ $0.maxLoadedModels = 2 }) { sim in … }`.
struct Harness: Sendable {
    let simulator: OllamaSimulator
    let baseURL: String
    let meminfoPath: String
    let configuration: SimulatorConfiguration

    static let coder7B = ModelCatalog.qwenCoder7B.name
    static let coder1_5B = ModelCatalog.qwenCoder1_5B.name
    static let codestral = ModelCatalog.codestral.name
    static let miniLM = ModelCatalog.allMiniLM.name

    static func with<T: Sendable>(
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> T
    ) async throws -> T {
        let directory = NSTemporaryDirectory() + "ollama-sim-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = SimulatorConfiguration()
        configuration.meminfoPath = directory + "/meminfo"
        configuration.sweepInterval = .milliseconds(20)
        configure(&configuration)
        let simulator = OllamaSimulator(configuration: configuration)
        try await simulator.start()
        let harness = Harness(
            simulator: simulator, baseURL: await simulator.baseURL,
            meminfoPath: configuration.meminfoPath ?? "", configuration: configuration)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(harness))
        } catch {
            result = .failure(error)
        }
        try await simulator.stop()
        return try result.get()
    }

    struct Answer: Sendable {
        var status: UInt
        var headers: HTTPHeaders
        var body: String

        var lines: [String] { body.split(separator: "\n").map(String.init) }

        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        }
    }

    func post(_ path: String, _ json: String) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        return try await send(request)
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        for (n, v) in headers { request.headers.add(name: n, value: v) }
        return try await send(request)
    }

    func post(_ path: String, _ json: String, headers: [(String, String)]) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (n, v) in headers { request.headers.add(name: n, value: v) }
        request.body = .bytes(ByteBuffer(string: json))
        return try await send(request)
    }

    /// A streaming request whose body the caller reads at its own pace.
    func open(_ path: String, _ json: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: json))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    }

    private func send(_ request: HTTPClientRequest) async throws -> Answer {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: response.status.code, headers: response.headers, body: String(buffer: body))
    }

    /// Generates a little text, loading the model if needed.
    @discardableResult
    func generate(_ model: String, keepAlive: String? = nil, options: String? = nil) async throws -> Answer {
        var fields = [#""model":"\#(model)""#, #""prompt":"hello""#, #""stream":false"#]
        if let keepAlive { fields.append(#""keep_alive":\#(keepAlive)"#) }
        if let options { fields.append(#""options":\#(options)"#) }
        return try await post("/api/generate", "{" + fields.joined(separator: ",") + "}")
    }

    /// Makes `model` resident the way a client would: embed for the embedding model,
    /// generate for the others.
    @discardableResult
    func use(_ model: String) async throws -> Answer {
        guard model == Self.miniLM else { return try await generate(model) }
        return try await post("/api/embed", #"{"model":"\#(model)","input":"use me"}"#)
    }

    /// /api/ps as (name, size, context_length, expires_at).
    func ps() async throws -> [(name: String, size: Int64, contextLength: Int, expiresAt: String)] {
        let models = try await get("/api/ps").json()["models"] as? [[String: Any]] ?? []
        return models.map {
            ($0["name"] as? String ?? "", ($0["size"] as? NSNumber)?.int64Value ?? -1,
             ($0["context_length"] as? NSNumber)?.intValue ?? -1, $0["expires_at"] as? String ?? "")
        }
    }

    func psNames() async throws -> Set<String> {
        Set(try await ps().map(\.name))
    }

    func state() async throws -> [String: Any] {
        try await get("/sim/state").json()
    }

    /// MemAvailable from the published meminfo file, in bytes (kB resolution).
    func memAvailable() throws -> Int64 {
        let text = try String(contentsOfFile: meminfoPath, encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("MemAvailable:") } ?? ""
        return (Int64(line.split(separator: " ").dropFirst().first ?? "") ?? -1) * 1024
    }

    /// What MemAvailable shows with `resident` bytes of models and nothing else.
    func expectedAvailable(resident: Int64, hog: Int64 = 0) -> Int64 {
        (configuration.memTotalBytes - configuration.baseUsedBytes - hog - resident) / 1024 * 1024
    }

    /// Polls until `condition` holds; false after `timeout`.
    func eventually(
        within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return try await condition()
    }

    func footprint(_ model: SimulatedModel, context: Int = SimulatedModel.defaultContextLength) -> Int64 {
        model.memoryFootprint(contextLength: model.effectiveContextLength(requested: context), configuration: configuration)
    }
}

extension Harness {
    /// Ollama's RFC 3339 timestamps with up to nine fractional digits.
    static func date(rfc3339 text: String) -> Date? {
        guard text.hasSuffix("Z") else { return nil }
        let parts = text.dropLast().split(separator: ".", maxSplits: 1)
        guard let whole = ISO8601DateFormatter().date(from: parts[0] + "Z") else { return nil }
        let fraction = parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0
        return whole.addingTimeInterval(fraction)
    }
}

extension Dictionary where Key == String, Value == Any {
    func int(_ key: String) -> Int { (self[key] as? NSNumber)?.intValue ?? -1 }
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
}

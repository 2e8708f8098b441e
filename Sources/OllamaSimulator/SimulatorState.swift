import Foundation

/// Everything that changes while the simulator runs: which models are resident, the pending
/// faults, and the counters tests read. An actor, because every connection touches it.
actor SimulatorState {
    /// A resident model with the context it was loaded for.
    struct Entry: Sendable {
        var model: SimulatedModel
        var contextLength: Int
        var sizeBytes: Int64
        var expiresAt: Date?
    }

    private let configuration: SimulatorConfiguration
    private let meminfo: MeminfoWriter?
    private var entries: [String: Entry] = [:]
    /// Loads in flight, so concurrent requests for one model wait for a single load (as
    /// Ollama's scheduler does) instead of each counting a load of their own.
    private var pendingLoads: [String: Task<Void, Never>] = [:]
    private var loads: [String: Int] = [:]
    /// The most memory the resident models held together at any moment.
    private(set) var peakResidentBytes: Int64 = 0
    private var requests: [String: Int] = [:]
    private var faults = FaultQueue()

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        self.meminfo = configuration.meminfoPath.map(MeminfoWriter.init(path:))
    }

    // MARK: Requests and faults

    func countRequest(path: String) {
        requests[path, default: 0] += 1
    }

    func takeFault(for path: String) -> Fault? {
        faults.take(for: path)
    }

    func inject(_ fault: Fault, count: Int, path: String?) {
        faults.add(fault, count: count, path: path)
    }

    func clearFaults() {
        faults.clear()
    }

    func pendingFaults() -> [FaultQueue.Rule] {
        faults.rules
    }

    func requestCount(path: String) -> Int {
        requests[path] ?? 0
    }

    func requestCounts() -> [String: Int] {
        requests
    }

    func loadCount(model: String) -> Int {
        let wanted = ModelRegistry.canonicalName(model)
        return loads.first { ModelRegistry.canonicalName($0.key) == wanted }?.value ?? 0
    }

    func loadCounts() -> [String: Int] {
        loads
    }

    // MARK: Residency

    /// Makes `model` resident with `contextLength`, loading it (really sleeping) if it is not
    /// resident or resident with another context, and refreshes its expiry.
    /// - Returns: the load time when this request loaded or waited for a load, nil when the
    ///   model was already resident.
    func use(_ model: SimulatedModel, contextLength: Int, keepAlive: KeepAlive) async -> Duration? {
        expireDue()
        var waitedFor: Duration?
        while let pending = pendingLoads[model.name] {
            await pending.value
            waitedFor = loadTime(of: model)
        }
        if entries[model.name]?.contextLength == contextLength {
            entries[model.name]?.expiresAt = keepAlive.expiry(from: Date())
            return waitedFor
        }
        // Another num_ctx means another KV cache: Ollama unloads and reloads the runner.
        unload(model.name)
        let duration = loadTime(of: model)
        let load = Task {
            // Only `cancelPendingLoads()` at shutdown cuts this short; the load then completes
            // early, which nobody observes any more.
            try? await Task.sleep(for: duration)
            self.completeLoad(model, contextLength: contextLength, keepAlive: keepAlive)
        }
        pendingLoads[model.name] = load
        await load.value
        return duration
    }

    func unload(_ name: String) {
        guard entries.removeValue(forKey: name) != nil else { return }
        publishMeminfo()
    }

    func unloadAll() {
        entries.removeAll()
        publishMeminfo()
    }

    /// Drops models whose keep_alive ran out, like Ollama's scheduler does in the background.
    func expireDue() {
        let now = Date()
        let expired = entries.values.filter { entry in entry.expiresAt.map { $0 <= now } ?? false }
        guard !expired.isEmpty else { return }
        for entry in expired { entries.removeValue(forKey: entry.model.name) }
        publishMeminfo()
    }

    func residentEntries() -> [Entry] {
        expireDue()
        return entries.values.sorted { $0.model.name < $1.model.name }
    }

    func residentModels() -> [ResidentModel] {
        residentEntries().map {
            ResidentModel(name: $0.model.name, sizeBytes: $0.sizeBytes, contextLength: $0.contextLength, expiresAt: $0.expiresAt)
        }
    }

    func cancelPendingLoads() {
        for load in pendingLoads.values { load.cancel() }
    }

    func publishMeminfo() {
        let used = entries.values.reduce(configuration.baseUsedBytes) { $0 + $1.sizeBytes }
        meminfo?.write(totalBytes: configuration.memTotalBytes, usedBytes: used)
    }

    private func completeLoad(_ model: SimulatedModel, contextLength: Int, keepAlive: KeepAlive) {
        let size = model.memoryFootprint(contextLength: contextLength, kvBytesPerElement: configuration.kvBytesPerElement)
        entries[model.name] = Entry(
            model: model, contextLength: contextLength, sizeBytes: size, expiresAt: keepAlive.expiry(from: Date()))
        loads[model.name, default: 0] += 1
        pendingLoads[model.name] = nil
        let held = entries.values.reduce(Int64(0)) { $0 + $1.sizeBytes }
        if held > peakResidentBytes { peakResidentBytes = held }
        publishMeminfo()
    }

    private func loadTime(of model: SimulatedModel) -> Duration {
        let seconds = configuration.loadSecondsPerGB * Double(model.sizeBytes) / 1e9
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .seconds(min(seconds, 3600))
    }
}

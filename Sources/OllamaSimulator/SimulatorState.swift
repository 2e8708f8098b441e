import Foundation

/// Everything that changes while the simulator runs: which models are resident, the pending
/// faults, and the counters tests read. An actor, because every connection touches it.
///
/// Residency is split by concern: loading and admission in SimulatorState+Loading.swift,
/// unloading in SimulatorState+Unloading.swift, memory and meminfo in SimulatorState+Memory.swift.
actor SimulatorState {
    /// A resident model with the context it was loaded for (Ollama's runnerRef).
    struct Entry: Sendable {
        var model: SimulatedModel
        var contextLength: Int
        var sizeBytes: Int64
        var expiresAt: Date?
        /// Requests using the model right now, streaming included (runnerRef.refCount): a
        /// model with references is not idle, so it neither expires nor is picked first for
        /// eviction.
        var references: Int
        /// The (scaled) keep_alive of the latest request (runnerRef.sessionDuration): the expiry
        /// is set from it when the last reference goes.
        var keepAlive: KeepAlive
        /// Order of last use, for least-recently-used eviction.
        var lastUsed: UInt64
        /// Which load this is, so a release that outlived its load touches nothing.
        var loadID: UInt64
        /// An unload was decided: still listed in /api/ps and counted in meminfo until it
        /// completes (`SimulatorConfiguration.unloadDelay`).
        var unloading = false
    }

    /// A request's hold on a resident model; released when its reply has been written.
    struct Lease: Sendable {
        let name: String
        let loadID: UInt64
    }

    /// A load in flight, so concurrent requests for one model wait for a single load (as
    /// Ollama's scheduler does) instead of each counting a load of their own.
    struct PendingLoad: Sendable {
        let task: Task<Void, Never>
        let sizeBytes: Int64
    }

    /// An unload in progress: waits for the references to go, then for `unloadDelay`.
    struct Removal: Sendable {
        let task: Task<Void, Never>
        let loadID: UInt64
    }

    let configuration: SimulatorConfiguration
    let meminfo: MeminfoWriter?
    var entries: [String: Entry] = [:]
    var pendingLoads: [String: PendingLoad] = [:]
    var removals: [String: Removal] = [:]
    var loads: [String: Int] = [:]
    var counters = SimulatorCounters()
    var observer: InvariantObserver
    var hog: MemoryHog
    /// The used bytes last written to meminfo, so the sweeper rewrites it only on change.
    var publishedUsedBytes: Int64?
    /// Source of `lastUsed` and `loadID` values.
    private var sequence: UInt64 = 0
    /// The most memory the resident models held together at any moment.
    var peakResidentBytes: Int64 = 0
    private var requests: [String: Int] = [:]
    private var faults = FaultQueue()

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        self.meminfo = configuration.meminfoPath.map(MeminfoWriter.init(path:))
        self.observer = InvariantObserver(
            reserveBytes: configuration.watchReserveBytes, budgetBytes: configuration.watchBudgetBytes)
        self.hog = MemoryHog(maxBytes: configuration.hogMaxBytes, period: configuration.hogPeriod)
    }

    func nextSequence() -> UInt64 {
        sequence += 1
        return sequence
    }

    // MARK: Requests and faults

    func countRequest(path: String) {
        requests[path, default: 0] += 1
    }

    /// The next fault for `path` of the kind asked (transport faults by the connection,
    /// content faults by an answer that has content): a load or unload request does
    /// not use up a content fault.
    func takeFault(for path: String, content: Bool = false) -> Fault? {
        faults.take(for: path) { $0.isContent == content }
    }

    /// The rate_limited fault's Retry-After, in seconds.
    private(set) var retryAfterSeconds = 1

    func setRetryAfter(_ seconds: Int) { retryAfterSeconds = seconds }

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

    // MARK: Counters

    func loadCount(model: String) -> Int {
        let wanted = ModelRegistry.canonicalName(model)
        return loads.first { ModelRegistry.canonicalName($0.key) == wanted }?.value ?? 0
    }

    func loadCounts() -> [String: Int] {
        loads
    }

    func unloadCounters() -> SimulatorCounters {
        counters
    }

    func violationCount() -> Int {
        observer.count
    }

    func recentViolations() -> [InvariantViolation] {
        observer.recent
    }

    // MARK: Listing

    func residentEntries() -> [Entry] {
        expireDue()
        return entries.values.sorted { $0.model.name < $1.model.name }
    }

    func residentModels() -> [ResidentModel] {
        residentEntries().map {
            ResidentModel(name: $0.model.name, sizeBytes: $0.sizeBytes, contextLength: $0.contextLength, expiresAt: $0.expiresAt)
        }
    }

    /// Models whose unload was decided but has not completed.
    func unloadingModels() -> [String] {
        entries.values.filter(\.unloading).map(\.model.name).sorted()
    }
}

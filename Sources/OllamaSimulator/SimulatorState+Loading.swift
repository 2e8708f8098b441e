import Foundation

/// Loading: a request takes a model, loading it first when it is not resident, after
/// whatever eviction the loaded-model cap or the memory needs.
extension SimulatorState {
    /// Makes `model` resident with `contextLength` and takes a reference on it for the request.
    /// - Returns: the load time when this request loaded or waited for a load (nil when the
    ///   model was already resident), and the lease to `release` once the reply is written.
    func acquire(_ model: SimulatedModel, contextLength: Int, keepAlive requested: KeepAlive) async -> (load: Duration?, lease: Lease) {
        let keepAlive = requested.scaled(by: configuration.keepAliveScale)
        var waitedFor: Duration?
        while true {
            expireDue()
            if let pending = pendingLoads[model.name] {
                await pending.task.value
                waitedFor = loadTime(of: model)
                continue
            }
            if let removal = removals[model.name] {
                await removal.task.value
                continue
            }
            if let entry = entries[model.name] {
                if entry.contextLength == contextLength {
                    return (waitedFor, takeReference(model.name, keepAlive: keepAlive))
                }
                // Another num_ctx means another KV cache. Ollama: server/sched.go `needsReload`
                // → processPending expires the runner, waits for the unload, then loads.
                beginUnload(model.name, reason: .reload)
                continue
            }
            let footprint = model.memoryFootprint(contextLength: contextLength, configuration: configuration)
            switch admission(footprint: footprint) {
            case .load:
                return await load(model, contextLength: contextLength, sizeBytes: footprint, keepAlive: keepAlive)
            case .evict(let victim):
                beginUnload(victim, reason: .evicted)
                await removals[victim]?.task.value
            case .waitForUnload(let name):
                await removals[name]?.task.value
            case .waitForLoad(let name):
                await pendingLoads[name]?.task.value
            }
        }
    }

    /// Ends a request's hold on its model. Ollama: server/sched.go `processCompleted` — when the
    /// last reference goes, a zero sessionDuration expires the runner at once, any other
    /// starts the keep_alive timer (`expiresAt = now + sessionDuration`).
    func release(_ lease: Lease) {
        guard var entry = entries[lease.name], entry.loadID == lease.loadID else { return }
        entry.references = max(0, entry.references - 1)
        entry.lastUsed = nextSequence()
        if entry.references == 0, !entry.unloading {
            entry.expiresAt = entry.keepAlive.expiry(from: Date())
        }
        entries[lease.name] = entry
        if entry.references == 0, !entry.unloading, entry.keepAlive.unloadsImmediately {
            beginUnload(lease.name, reason: .requested)
        }
    }

    func cancelPendingLoads() {
        for load in pendingLoads.values { load.task.cancel() }
    }

    /// Ollama: server/sched.go `useLoadedRunner` — refCount++, and the request's keep_alive
    /// becomes the runner's sessionDuration.
    private func takeReference(_ name: String, keepAlive: KeepAlive) -> Lease {
        entries[name]?.references += 1
        entries[name]?.keepAlive = keepAlive
        entries[name]?.expiresAt = keepAlive.expiry(from: Date())
        entries[name]?.lastUsed = nextSequence()
        return Lease(name: name, loadID: entries[name]?.loadID ?? 0)
    }

    private func admission(footprint: Int64) -> Admission.Decision {
        let residents = entries.values.map {
            Admission.Candidate(name: $0.model.name, references: $0.references, lastUsed: $0.lastUsed, unloading: $0.unloading)
        }
        let loadingBytes = pendingLoads.values.reduce(Int64(0)) { $0 + $1.sizeBytes }
        return Admission.decide(
            residents: residents, loading: Array(pendingLoads.keys), cap: configuration.maxLoadedModels,
            availableBytes: availableBytes() - loadingBytes, footprint: footprint)
    }

    /// Really sleeps the load time; the loading request holds the first reference, as in
    /// Ollama (server/sched.go `load`: `runner.refCount++` once the runner is running).
    private func load(
        _ model: SimulatedModel, contextLength: Int, sizeBytes: Int64, keepAlive: KeepAlive
    ) async -> (load: Duration?, lease: Lease) {
        let duration = loadTime(of: model)
        let loadID = nextSequence()
        let task = Task {
            // Only `cancelPendingLoads()` at shutdown cuts this short; the load then completes
            // early, which nobody observes any more.
            try? await Task.sleep(for: duration)
            self.completeLoad(model, contextLength: contextLength, sizeBytes: sizeBytes, keepAlive: keepAlive, loadID: loadID)
        }
        pendingLoads[model.name] = PendingLoad(task: task, sizeBytes: sizeBytes)
        await task.value
        return (duration, Lease(name: model.name, loadID: loadID))
    }

    private func completeLoad(_ model: SimulatedModel, contextLength: Int, sizeBytes: Int64, keepAlive: KeepAlive, loadID: UInt64) {
        entries[model.name] = Entry(
            model: model, contextLength: contextLength, sizeBytes: sizeBytes,
            expiresAt: keepAlive.expiry(from: Date()), references: 1, keepAlive: keepAlive,
            lastUsed: nextSequence(), loadID: loadID)
        loads[model.name, default: 0] += 1
        counters.loads += 1
        pendingLoads[model.name] = nil
        let held = residentBytes()
        if held > peakResidentBytes { peakResidentBytes = held }
        publishMeminfo()
        observer.check(model: model.name, availableBytes: availableBytes(), residentBytes: held)
    }

    private func loadTime(of model: SimulatedModel) -> Duration {
        let seconds = configuration.loadSecondsPerGB * Double(model.sizeBytes) / 1e9
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .seconds(min(seconds, 3600))
    }
}

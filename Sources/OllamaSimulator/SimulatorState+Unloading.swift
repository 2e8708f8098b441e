import Foundation

/// Unloading: decided at once, completed afterwards. Ollama answers an unload request
/// immediately and the runner goes away later (server/sched.go `expireRunner` →
/// `processCompleted` → `runner.unload()` and `waitForVRAMRecovery`), so a client may still
/// see the model in /api/ps and its memory in use for a while.
extension SimulatorState {
    /// An explicit unload: empty generate/chat/embed with keep_alive 0.
    /// Ollama: server/sched.go `expireRunner` — sessionDuration 0, `expiresAt = now`, and the
    /// runner expires now if idle, else when its last request finishes. A runner still loading
    /// holds its lock until it runs, so the unload waits for the load.
    func requestUnload(_ name: String) async {
        while let pending = pendingLoads[name] { await pending.task.value }
        guard var entry = entries[name], !entry.unloading else { return }
        entry.keepAlive = KeepAlive(seconds: 0)
        entry.expiresAt = Date()
        entries[name] = entry
        if entry.references == 0 { beginUnload(name, reason: .requested) }
    }

    /// Decides the unload of a resident model: it stays listed and holds its memory until
    /// its references are gone and `unloadDelay` has passed.
    func beginUnload(_ name: String, reason: UnloadReason) {
        guard var entry = entries[name], !entry.unloading else { return }
        entry.unloading = true
        entry.expiresAt = Date()
        entries[name] = entry
        counters.count(reason)
        if entry.references == 0, configuration.unloadDelay <= .zero {
            remove(name, loadID: entry.loadID)
            return
        }
        let loadID = entry.loadID
        removals[name] = Removal(task: Task { await self.completeUnload(name, loadID: loadID) }, loadID: loadID)
    }

    /// Drops models whose keep_alive ran out while idle, like Ollama's expire timers do.
    func expireDue() {
        let now = Date()
        let due = entries.values.filter { entry in
            entry.references == 0 && !entry.unloading && (entry.expiresAt.map { $0 <= now } ?? false)
        }
        for entry in due { beginUnload(entry.model.name, reason: .expired) }
    }

    /// At shutdown: a stopped Ollama holds nothing, at once.
    func unloadAll() {
        for removal in removals.values { removal.task.cancel() }
        removals.removeAll()
        entries.removeAll()
        publishMeminfo()
    }

    /// Ollama: server/sched.go `processCompleted` — "expired event with positive ref count,
    /// retrying" every 10 ms until the requests are done; then the runner goes.
    private func completeUnload(_ name: String, loadID: UInt64) async {
        while let entry = entries[name], entry.loadID == loadID, entry.references > 0, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if configuration.unloadDelay > .zero { try? await Task.sleep(for: configuration.unloadDelay) }
        remove(name, loadID: loadID)
    }

    private func remove(_ name: String, loadID: UInt64) {
        if removals[name]?.loadID == loadID { removals[name] = nil }
        guard entries[name]?.loadID == loadID else { return }
        entries[name] = nil
        publishMeminfo()
    }
}

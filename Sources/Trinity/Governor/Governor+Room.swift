import Foundation
import Logging

/// Making room, loading, unloading: every step on the truth read just before it, and
/// nothing credited by arithmetic — a victim's memory counts once the kernel shows it.
extension Governor {
    /// Unloads idle models, least recently used first, until `p` at `context` fits the
    /// Trinity budget, the machine's MemAvailable above the OS reserve, and Ollama's
    /// cap on loaded models — each check on a fresh reading.
    func makeRoom(for p: ModelProfile, context: Int) async throws(Refusal) {
        let key = ModelName.normalized(p.model)
        let need = estimate(p, context)
        var unloaded = 0
        while true {
            let t = try await readTruth(p.role)
            try checkPressure(p.role, t.memory)
            if t.resident[key] != nil {  // resident with a smaller context: a reload
                guard !isLeased(key) else {
                    throw Refusal(kind: .wouldNotFit, role: p.role, reason: "\(p.model) is leased with a smaller context")
                }
                try await unloadConfirmed(key, role: p.role, t)
                continue
            }
            // What the machine may lose to others while the load runs, at the pace
            // MemAvailable is falling now.
            let headroom = trend.headroom(forSeconds: expectedLoadSeconds(p) + 0.5)
            let available = (t.memory.memAvailable ?? 0) - headroom
            let overBudget = t.heldBytes + need > settings.budget.trinityBytes
            let intoReserve = available - need < settings.budget.osReserveBytes
            let atCap = settings.maxLoadedModels > 0 && t.resident.count >= settings.maxLoadedModels
            if !overBudget, !intoReserve, !atCap { return }
            guard unloaded <= t.resident.count, let victim = victim(in: t.resident, sparing: key) else {
                let leased = t.resident.keys.filter(isLeased).map { t.resident[$0]!.name }.sorted()
                let kind: Refusal.Kind = intoReserve ? .reserve : .wouldNotFit
                let falling = headroom > 0 ? " (counting \(gb(headroom)) it is falling by during the load)" : ""
                let why = intoReserve ? "MemAvailable is \(gb(available))\(falling) with \(gb(settings.budget.osReserveBytes)) reserved"
                    : overBudget ? "the resident models hold \(gb(t.heldBytes)) of the \(gb(settings.budget.trinityBytes)) budget"
                    : "Ollama holds \(t.resident.count) models, its limit (OLLAMA_MAX_LOADED_MODELS=\(settings.maxLoadedModels))"
                let others = leased.isEmpty ? "nothing idle to unload" : "only leased models remain (\(leased.joined(separator: ", ")))"
                throw Refusal(kind: kind, role: p.role, reason: "\(p.model) needs \(gb(need)); \(others) and \(why)")
            }
            try await unloadConfirmed(victim, role: p.role, t)
            unloaded += 1
        }
    }

    /// How long loading `p` should take: its last load, else its weights at 1 GB a
    /// second (a disk's pace; a cached file is faster).
    func expectedLoadSeconds(_ p: ModelProfile) -> Double {
        stats.loadSeconds[p.model] ?? Double(p.weightsBytes) / 1e9
    }

    /// Loads the model itself — an empty prompt with num_ctx and keep_alive, under the
    /// load timeout — then reads what Ollama and the kernel say it took. A load that
    /// left MemAvailable inside the reserve (the estimate was low) is undone at once.
    /// Returns the load's wall time in seconds.
    func load(_ p: ModelProfile, context: Int) async throws(Refusal) -> Double {
        let key = ModelName.normalized(p.model)
        let start = ContinuousClock.now
        do {
            try await loadCall(p.model, p.role, context: context, keepAlive: settings.keepAliveInCycle)
        } catch {
            throw Refusal(kind: .ollama, role: p.role, reason: "loading \(p.model) failed: \(error)")
        }
        let seconds = (ContinuousClock.now - start).seconds
        expectedNew.insert(key)
        loadedContext[key] = context
        stats.loads += 1
        stats.loadSeconds[p.model] = seconds
        loads.append(p.model)
        let t = try await readTruth(p.role)
        guard let r = t.resident[key] else {
            throw Refusal(kind: .ollama, role: p.role, reason: "Ollama does not list \(p.model) right after loading it")
        }
        let raw = rawEstimate(p, context)
        correction[key] = min(max(Double(r.bytes) / Double(max(raw, 1)), 0.5), 2.0)
        logger.info("loaded \(p.model) with num_ctx \(context) in \((seconds * 100).rounded() / 100) s: \(gb(r.bytes))",
                    metadata: ["model": "\(p.model)", "load_ms": "\(Int(seconds * 1000))", "bytes": "\(r.bytes)"])
        if let available = t.memory.memAvailable, available < settings.budget.osReserveBytes {
            try await unloadConfirmed(key, role: p.role, t)
            throw Refusal(kind: .reserve, role: p.role,
                          reason: "\(p.model) took \(gb(r.bytes)), more than estimated: MemAvailable fell to \(gb(available)), "
                              + "inside the \(gb(settings.budget.osReserveBytes)) reserve; unloaded it again")
        }
        return seconds
    }

    /// The load request: loads the model, or, when it is resident with this num_ctx,
    /// only resets its keep_alive timer (Ollama reloads nothing then).
    func loadCall(_ model: String, _ role: Role, context: Int, keepAlive: Duration) async throws(OllamaError) {
        try await client.load(model, context: context, keepAlive: keepAlive, embedding: role == .embedder,
                              timeout: settings.loadTimeout)
    }

    /// Asks Ollama to unload, then waits (bounded) until `/api/ps` no longer lists the
    /// model and MemAvailable shows most of its memory back.
    func unloadConfirmed(_ key: String, role: Role, _ before: Truth) async throws(Refusal) {
        guard let m = before.resident[key] else { return }
        do { try await client.unload(m.name) } catch {
            throw Refusal(kind: .ollama, role: role, reason: "could not unload \(m.name): \(error)")
        }
        expectedGone.insert(key)
        loadedContext[key] = nil
        stats.evictions += 1
        unloads.append(m.name)
        let deadline = ContinuousClock.now + settings.unloadWait
        while try await readTruth(role).resident[key] != nil {
            guard ContinuousClock.now < deadline else {
                throw Refusal(kind: .ollama, role: role,
                              reason: "Ollama still lists \(m.name) \(settings.unloadWait.seconds) s after unloading it")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let freedEnough = (before.memory.memAvailable ?? 0) + m.bytes / 2
        while (memory.read().memAvailable ?? 0) < freedEnough, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.info("unloaded \(m.name)", metadata: ["model": "\(m.name)"])
    }

    func checkPressure(_ role: Role, _ s: MemorySnapshot) throws(Refusal) {
        if let full = s.pressureFullAvg10, full > settings.maxPressureFullAvg10 {
            throw Refusal(kind: .pressure, role: role,
                          reason: "memory pressure: PSI full avg10 \(full)% > \(settings.maxPressureFullAvg10)%")
        }
        guard let available = s.memAvailable else {
            throw Refusal(kind: .reserve, role: role, reason: "MemAvailable unknown: no load without it")
        }
        if available < settings.budget.osReserveBytes + settings.minAvailableBeyondReserve {
            throw Refusal(kind: .reserve, role: role,
                          reason: "MemAvailable \(gb(available)) is within the OS reserve (\(gb(settings.budget.osReserveBytes)))")
        }
    }

    /// Weights, compute overhead and the KV cache for num_ctx (× OLLAMA_NUM_PARALLEL,
    /// folded into the profile's bytes per token).
    func rawEstimate(_ p: ModelProfile, _ context: Int) -> Int64 {
        let kv = Double(context) * (p.kvBytesPerToken ?? 262_144)
        return p.weightsBytes + Int64(Double(p.weightsBytes) * settings.budget.overheadFraction) + Int64(kv)
    }

    /// The raw estimate corrected by what Ollama reported for this model before.
    func estimate(_ p: ModelProfile, _ context: Int) -> Int64 {
        Int64(Double(rawEstimate(p, context)) * (correction[ModelName.normalized(p.model)] ?? 1))
    }
}

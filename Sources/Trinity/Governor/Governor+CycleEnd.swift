import Logging

/// When a cycle (or the morning report) is done with the models: what stays loaded
/// until the next one, and what goes now.
extension Governor {
    /// What the end of a cycle did with one resident model.
    public enum Parting: Sendable, Equatable, CustomStringConvertible {
        /// Unloaded: the machine has its memory back until the next cycle.
        case unloaded(String)
        /// Kept for the next cycle, with a keep_alive that frees it if none comes.
        case kept(String, until: Duration)
        /// Could not be handled (Ollama unreachable, still listed, …).
        case failed(String, reason: String)

        public var description: String {
            switch self {
            case .unloaded(let m): "unloaded \(m)"
            case .kept(let m, let d): "kept \(m) (keep_alive \(Int(d.seconds / 60)) min)"
            case .failed(let m, let why): "\(m): \(why)"
            }
        }
    }

    /// Unloads every idle model a role uses except those of `keepBetweenCycles`,
    /// whose keep_alive is extended to `keepAliveBetweenCycles` (a load call that finds
    /// the model resident with the same num_ctx only resets its timer). Models no role
    /// uses are not the governor's to unload here; it evicts them only for room.
    public func endCycle() async -> [Parting] {
        await exclusive { () async -> [Parting] in
            let truth: Truth
            do { truth = try await readTruth(.controller) } catch let e as Refusal {
                return [.failed("Ollama", reason: e.reason)]
            } catch {
                return [.failed("Ollama", reason: "\(error)")]
            }
            var out: [Parting] = []
            // The unloads first, then the keep_alive of the kept ones on a fresh reading:
            // an unload takes time, and a model may expire meanwhile.
            let profiles = self.profiles.values.sorted { $0.role < $1.role }
            for p in profiles where !settings.keepBetweenCycles.contains(p.role) {
                let key = ModelName.normalized(p.model)
                guard truth.resident[key] != nil, !isLeased(key) else { continue }
                out.append(await part(p, key))
            }
            for p in profiles where settings.keepBetweenCycles.contains(p.role) {
                let key = ModelName.normalized(p.model)
                guard truth.resident[key] != nil, !isLeased(key) else { continue }
                out.append(await part(p, key))
            }
            if !out.isEmpty {
                logger.info("cycle end: \(out.map(\.description).joined(separator: "; "))")
            }
            published()
            return out
        }
    }

    private func part(_ p: ModelProfile, _ key: String) async -> Parting {
        let truth: Truth
        do { truth = try await readTruth(p.role) } catch { return .failed(p.model, reason: error.reason) }
        guard let m = truth.resident[key] else { return .unloaded(p.model) }  // Ollama dropped it meanwhile
        if settings.keepBetweenCycles.contains(p.role), let context = m.context {
            // Too close to its end to reach before Ollama drops it: let it go.
            guard (m.secondsLeft() ?? .infinity) > settings.expiryGrace.seconds else { return .unloaded(m.name) }
            do {
                try await loadCall(m.name, p.role, context: context, keepAlive: settings.keepAliveBetweenCycles)
                return .kept(m.name, until: settings.keepAliveBetweenCycles)
            } catch {
                return .failed(m.name, reason: "could not extend its keep_alive: \(error)")
            }
        }
        do {
            try await unloadConfirmed(key, role: p.role, truth)
            return .unloaded(m.name)
        } catch {
            return .failed(m.name, reason: error.reason)
        }
    }
}

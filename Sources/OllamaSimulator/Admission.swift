/// Whether a model that is not resident may load now, or what must go first: the simulator's
/// copy of the decisions in Ollama's server/sched.go `processPending`.
enum Admission {
    enum Decision: Equatable {
        case load
        /// Unload this model, wait for it, decide again.
        case evict(String)
        /// A model is already on its way out; wait for it, decide again.
        case waitForUnload(String)
        /// Only loads in flight stand in the way; wait for one, decide again.
        case waitForLoad(String)
    }

    struct Candidate: Sendable {
        var name: String
        var references: Int
        var lastUsed: UInt64
        var unloading: Bool
    }

    /// - Parameters:
    ///   - residents: the loaded models, those being unloaded included (they still count).
    ///   - loading: models whose load is in flight (Ollama puts a runner in `s.loaded` before
    ///     it is running, so they count against the cap too).
    ///   - cap: the loaded-model cap, 0 for none.
    ///   - availableBytes: what the machine has left, after the hog and every model.
    static func decide(
        residents: [Candidate], loading: [String], cap: Int, availableBytes: Int64, footprint: Int64
    ) -> Decision {
        // Ollama: `maxRunners > 0 && loadedCount >= int(maxRunners)` → findRunnerToUnload.
        if cap > 0, residents.count + loading.count >= cap {
            if let victim = victim(among: residents) { return .evict(victim) }
            if let leaving = residents.first(where: \.unloading) { return .waitForUnload(leaving.name) }
            if let loadingName = loading.first { return .waitForLoad(loadingName) }
        }
        // Ollama: `loadFn(pending, …, requireFull=true)` answers needEvict when the model would
        // not fit beside the loaded ones; with nothing loaded it loads anyway ("loading first
        // model"). The simulator also loads anyway when nothing is idle: it overcommits rather
        // than wait, so a governor that lets it happen shows up as a violation.
        if footprint > availableBytes {
            if let idle = leastRecentlyUsed(residents.filter { !$0.unloading && $0.references == 0 }) {
                return .evict(idle.name)
            }
            if let leaving = residents.first(where: \.unloading) { return .waitForUnload(leaving.name) }
        }
        return .load
    }

    /// Ollama: server/sched.go `findRunnerToUnload` — "First try to find a runner that's
    /// already idle" (refCount 0), else "None appear idle, just wait for the one with the
    /// shortest duration". Ollama orders by sessionDuration then name (`ByDurationAndName`);
    /// the simulator picks the least recently used, the order a governor can reason about.
    static func victim(among residents: [Candidate]) -> String? {
        let staying = residents.filter { !$0.unloading }
        let idle = staying.filter { $0.references == 0 }
        return (leastRecentlyUsed(idle) ?? leastRecentlyUsed(staying))?.name
    }

    private static func leastRecentlyUsed(_ candidates: [Candidate]) -> Candidate? {
        candidates.min { $0.lastUsed < $1.lastUsed }
    }
}

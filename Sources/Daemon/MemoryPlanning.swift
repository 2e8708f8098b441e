import Foundation
import Logging
import Trinity

/// What the configuration asks of memory: the model each role plays, the budget, the
/// governor's settings — for the daemon's governor, `consciousness memory`, the doctor
/// and the benchmarks alike.
extension DaemonConfig {
    /// Each role and its model; the embedder only when one is configured.
    public var roleModels: [(Role, String)] {
        [(.architect, plannerModel), (.builder, coderModel), (.controller, scannerModel)]
            + (embedder.map { [(.embedder, $0)] } ?? [])
    }

    /// TRINITY_BUDGET_GB, OS_RESERVE_GB and the `*_NUM_CTX` wishes.
    public var memoryBudget: Budget {
        var b = Budget()
        b.trinityBytes = Int64(trinityBudgetGB * 1e9)
        b.osReserveBytes = Int64(osReserveGB * 1e9)
        for (key, role) in [("PLANNER_NUM_CTX", Role.architect), ("CODER_NUM_CTX", .builder), ("SCANNER_NUM_CTX", .controller)] {
            if let n = numCtx[key] { b.wantedContext[role] = n }
        }
        return b
    }

    /// The KV cache type Ollama really uses: OLLAMA_KV_CACHE_TYPE only with
    /// OLLAMA_FLASH_ATTENTION=1; without it Ollama logs "quantized kv cache requested but
    /// flash attention disabled" and keeps f16 (llm/server.go before llama-server).
    public var cacheType: KVCache.CacheType {
        ollamaFlashAttention ? KVCache.CacheType(rawValue: kvCacheType) ?? .f16 : .f16
    }

    /// The governor's settings.
    public var governorSettings: GovernorSettings {
        var s = GovernorSettings()
        s.budget = memoryBudget
        s.cacheType = cacheType
        s.maxPressureFullAvg10 = maxMemoryPressure
        s.minAvailableBeyondReserve = Int64(minAvailableGB * 1e9)
        s.numParallel = ollamaNumParallel
        s.maxLoadedModels = ollamaMaxLoadedModels == 0 ? 3 : ollamaMaxLoadedModels
        s.loadTimeout = ollamaLoadTimeout
        s.keepAliveInCycle = max(stageTimeout * 2, .seconds(10 * 60))
        s.keepAliveBetweenCycles = cycleInterval + .seconds(10 * 60)
        s.keepBetweenCycles = Set(keepBetweenCycles)
        return s
    }

    /// The roles' models from the built-in table, without asking Ollama; a model the
    /// table lacks is left out with a warning.
    public func builtInProfiles(_ cache: KVCache.CacheType, warnings: inout [String]) -> [ModelProfile] {
        roleModels.compactMap { role, model in
            guard let e = KnownModels.table.first(where: { ModelName.same($0.key, model) })?.value else {
                warnings.append("\(model) is not in the built-in table; ask Ollama (run without --profile) to plan it")
                return nil
            }
            return KnownModels.profile(role: role, model: model, weightsBytes: e.weightsBytes, info: e.info, cacheType: cache,
                                      parallel: ollamaNumParallel)
        }
    }
}

/// The memory plan of this machine: asked of Ollama through a governor, as the daemon
/// would plan, else from the built-in table.
public struct MachineMemoryPlan: Sendable {
    public var plan: MemoryPlan
    /// The models Ollama has loaded, as `/api/ps` lists them, with the role each
    /// plays (none when Ollama was not asked).
    public var resident: [GovernedModel]
    /// Where the figures came from, for the person.
    public var source: String
    public var warnings: [String]

    /// `root` is where `/proc` and `/sys` are (recorded files for tests). Ollama is
    /// given 10 seconds and no connect retry; when it cannot answer, the built-in table
    /// plans and a warning says why.
    public static func current(_ c: DaemonConfig, root: String) async -> MachineMemoryPlan {
        let snapshot = MemorySource(root: root).read()
        let machine = root == "/" ? "/proc" : root
        do {
            var timeouts = Timeouts()
            timeouts.connectRetries = 0
            timeouts.whole = .seconds(10)
            let client = OllamaClient(try Endpoint(c.ollamaHost, localOnly: c.agencyMode == .localOnly), timeouts: timeouts)
            let governor = Governor(client: client, memory: MemorySource(root: root), settings: c.governorSettings,
                                    logger: Logger(label: "memory"))
            do { try await governor.prepare(models: Dictionary(uniqueKeysWithValues: c.roleModels)) } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
            return MachineMemoryPlan(plan: await governor.plan(), resident: await governor.governed(),
                                     source: "Ollama at \(c.ollamaHost) and \(machine)", warnings: [])
        } catch {
            var warnings = ["Ollama not asked (\(error)); model sizes from the built-in table"]
            let profiles = c.builtInProfiles(c.cacheType, warnings: &warnings)
            return MachineMemoryPlan(plan: MemoryPlan.make(profiles, budget: c.memoryBudget, snapshot: snapshot), resident: [],
                                     source: "the built-in table of the seed's models and \(machine)", warnings: warnings)
        }
    }
}

import Daemon
import Foundation
import Trinity

/// `consciousness doctor`: the seed's deployment checklist, run — the configuration,
/// Ollama and the models, local-only, the memory plan, the state directory, the
/// violations log, the systemd unit. Each check passes or fails with the command or
/// edit that fixes it; one failure does not stop the others.
public struct Doctor: Sendable {
    /// The configuration file, already chosen (`--config`, `$CONSCIOUSNESS_CONFIG`, the
    /// installed one), or nil for the environment and the defaults.
    public var configFile: String?
    /// The environment the daemon would see: under the file's values.
    public var environment: [String: String]
    /// The state directory the service would write.
    public var stateDirectory: String
    /// Where `/proc` and `/sys` are (`/`, or recorded files for tests).
    public var root: String
    /// The systemctl to ask (tests stand a script in for it).
    public var systemctl: String
    /// Who runs the doctor, named in the fixes (`sudo chown <user> …`).
    public var user: String

    public init(configFile: String?, environment: [String: String], stateDirectory: String, root: String = "/",
                systemctl: String = "systemctl", user: String) {
        self.configFile = configFile
        self.environment = environment
        self.stateDirectory = stateDirectory
        self.root = root
        self.systemctl = systemctl
        self.user = user
    }

    /// Every check, in the order printed. Ollama is given 10 seconds.
    public func run() async -> DoctorReport {
        let d = DoctorConfig.load(file: configFile, environment: environment)
        var checks = [Self.configuration(d)]
        let ollama = await OllamaChecks.run(d)
        checks += ollama.checks
        checks.append(LocalOnlyCheck.run(d))
        checks += await HybridChecks.run(d)
        checks.append(await Self.memoryPlan(d, askOllama: ollama.answered, root: root))
        checks.append(PathChecks.stateDirectory(stateDirectory, user: user))
        checks.append(PathChecks.violationsLog(d.config.logPath, d))
        checks += SystemdChecks.run(systemctl: systemctl)
        return DoctorReport(configFile: d.file, checks: checks)
    }

    static func configuration(_ d: DoctorConfig) -> DoctorCheck {
        guard d.problems.isEmpty else {
            return .failure("configuration", d.problems.joined(separator: "; ") + " (checks below use the defaults instead)",
                            fix: "correct \(d.problems.count == 1 ? "it" : "them") \(d.whereToEdit)")
        }
        return .pass("configuration", (d.file ?? "the environment") + ": every key valid"
                     + (d.config.unknownKeys.isEmpty ? "" : " (unknown, ignored: \(d.config.unknownKeys.joined(separator: ", ")))"))
    }

    /// The governor's plan, as `consciousness memory` computes it: from what Ollama
    /// says of the models when it answers, else from the built-in table (not asking a
    /// dead endpoint again and waiting for it twice).
    static func memoryPlan(_ d: DoctorConfig, askOllama: Bool, root: String) async -> DoctorCheck {
        let c = d.config
        let plan: MemoryPlan
        if askOllama {
            plan = await MachineMemoryPlan.current(c, root: root).plan
        } else {
            var warnings: [String] = []
            plan = MemoryPlan.make(c.builtInProfiles(c.cacheType, warnings: &warnings), budget: c.memoryBudget,
                                   snapshot: MemorySource(root: root).read())
        }
        let gb = { (b: Int64) in String(format: "%.1f GB", Double(b) / 1e9) }
        let need = (plan.timeShared ? "the largest role alone needs " : "the Trinity needs ") + gb(plan.totalBytes)
        guard plan.fits else {
            return .failure("memory plan", "\(need) of \(gb(plan.effectiveBudget)) allowed on this machine",
                            fix: "lower TRINITY_BUDGET_GB, the *_NUM_CTX wishes or OLLAMA_KV_CACHE_TYPE \(d.whereToEdit) "
                               + "(consciousness memory shows the plan)")
        }
        return .pass("memory plan", "\(need) of \(gb(plan.effectiveBudget)) allowed" + (plan.timeShared ? " (roles take turns)" : ""))
    }
}

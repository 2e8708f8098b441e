import ArgumentParser
import Daemon
import Foundation
import Trinity

/// `consciousness doctor`: the seed's deployment checklist, run. Each line is ✓ or ✗,
/// and a ✗ comes with the command or edit that fixes it.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this machine against the deployment checklist; print the fix for each failure.",
        discussion: "Exit status: 0 when every check passes, 69 (EX_UNAVAILABLE) when any fails.")

    @Option(help: "Configuration file (default: $CONSCIOUSNESS_CONFIG, else /etc/consciousness/consciousness.env if it exists).")
    var config: String?

    @Option(help: "State directory to check (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Option(help: "Where /proc and /sys are (recorded files for tests).")
    var root = "/"

    @Flag(help: "Print JSON.")
    var json = false

    /// Tests stand a script in for systemctl.
    @Option(help: .hidden)
    var systemctl = "systemctl"

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let d = DoctorConfig.load(file: ConfigFile.path(config, env), environment: env)
        var checks = [configuration(d)]
        let ollama = await OllamaChecks.run(d)
        checks += ollama.checks
        checks.append(LocalOnlyCheck.run(d))
        checks.append(await memoryPlan(d, askOllama: ollama.answered))
        checks.append(PathChecks.stateDirectory(Paths.stateDirectory(stateDir, env)))
        checks.append(PathChecks.violationsLog(d.config.logPath, d))
        checks += SystemdChecks.run(systemctl: systemctl)
        let report = DoctorReport(config_file: d.file, checks: checks)
        print(json ? report.json() : report.text(), terminator: "")
        if !report.ok { throw ExitStatus.unavailable }
    }

    func configuration(_ d: DoctorConfig) -> DoctorCheck {
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
    func memoryPlan(_ d: DoctorConfig, askOllama: Bool) async -> DoctorCheck {
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

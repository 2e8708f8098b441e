import ArgumentParser
import Daemon
import Foundation
import Trinity

struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "The memory plan for the Trinity on this machine (or a named one): contexts that fit, and what is loaded.")

    enum Profile: String, ExpressibleByArgument, CaseIterable {
        case gb48 = "48gb", gb24 = "24gb"
        var memTotal: Int64 { self == .gb48 ? 48_000_000_000 : 24_000_000_000 }
    }

    @Option(help: "Plan a machine of this size from the built-in model table instead of asking Ollama and /proc (48gb: the seed's).")
    var profile: Profile?

    @Option(help: "Configuration file (default: $CONSCIOUSNESS_CONFIG).")
    var config: String?

    @Option(help: "Where /proc and /sys are (recorded files for tests).")
    var root = "/"

    @Option(help: "The running daemon's state directory, for its governor's leases (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let cfg: DaemonConfig
        do { cfg = try DaemonConfig.load(file: config ?? env["CONSCIOUSNESS_CONFIG"], environment: env) } catch {
            throw fail("configuration refused: \(error)", ExitStatus.config)
        }
        let daemonPath = (Paths.stateDirectory(stateDir) as NSString).appendingPathComponent(GovernorView.fileName)
        let daemon = GovernorView.read(daemonPath).flatMap { $0.writerRuns ? $0 : nil }
        let view = await MemoryView.make(cfg, profile: profile, root: root, daemon: daemon)
        print(json ? view.json() : view.text(), terminator: "")
    }
}

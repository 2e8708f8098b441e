import ArgumentParser
import Control
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Running or not, since when, its PID; the last cycle and the next; pending proposals; the memory plan.",
        discussion: "Asks the running daemon over its control socket ($CONSCIOUSNESS_SOCKET, else "
            + "\(ControlSocket.installed)); with --state-dir, or when no daemon answers, reads a state directory.")

    @Option(help: "State directory to read instead of asking the daemon (default when none answers: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Flag(help: "Print JSON (running, pid, last_cycle, next_cycle_in_seconds, …).")
    var json = false

    func run() async throws {
        switch try Source.resolve(stateDir: stateDir) {
        case .daemon(let d): try await printing { try await d.output(.GET, "/v1/status" + (json ? "?json=1" : "")) }
        case .local(let ops): try await printing { try ops.status(daemon: nil, json: json, daemonAsked: stateDir == nil) }
        }
    }
}

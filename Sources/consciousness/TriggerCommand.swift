import ArgumentParser
import Control
import Foundation

/// `consciousness trigger`: SIGUSR1 without being root — a cycle now, asked of the
/// running daemon over its socket, the asker recorded in the journal.
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Ask the running daemon for a cycle now (as SIGUSR1 does; after the one running, if any).",
        discussion: "Needs a daemon on the control socket ($CONSCIOUSNESS_SOCKET, else \(ControlSocket.installed)). "
            + "Without one, `consciousness cycle` runs a cycle in this process.")

    func run() async throws {
        guard let d = try Source.daemon() else {
            throw fail("no daemon answers on \(ControlSocket.clientPath(environment: ProcessInfo.processInfo.environment)) "
                       + "(systemctl start consciousness; or run one here: consciousness cycle)", ExitCode(CommandFailure.unavailable))
        }
        try await printing { try await d.output(.POST, "/v1/cycle") }
    }
}

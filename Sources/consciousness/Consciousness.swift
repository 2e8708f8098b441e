import ArgumentParser
import Daemon
import Foundation

@main
struct Consciousness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consciousness",
        abstract: "Watches an agent framework's constitutional violations and learns from them.",
        version: BuildInfo.version,
        subcommands: [CycleCommand.self, DaemonCommand.self, StatusCommand.self, TriggerCommand.self, ReportCommand.self,
                      MemoryCommand.self, BacktestCommand.self, SampleCommand.self, ProposalsCommand.self, DoctorCommand.self])

    /// A write to a closed pipe (git exiting before it read its input, a reader of
    /// `status | head` gone) is an error to report, not a signal that kills the process.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

import ArgumentParser
import Foundation

struct ProposalRejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a pending proposal, saying why (recorded with your name, the time, and — through the daemon — your uid and pid).")

    @OptionGroup var state: StateOption

    @Argument(help: "The proposal's number.")
    var id: Int64

    @Option(help: "Why: kept in the decision trail for whoever reads it next.")
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reason must say why the proposal is rejected")
        }
    }

    func run() async throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        switch try state.source() {
        case .daemon(let d): try await printing { try await d.output(.POST, "/v1/proposals/\(id)/reject", body: why) }
        case .local(let ops): try await printing { try ops.reject(id, reason: why, user: Person.name(), peer: nil) }
        }
    }
}

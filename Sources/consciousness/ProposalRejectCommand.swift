import ArgumentParser
import FeedbackLoop
import Foundation
import StateStore

struct ProposalRejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a pending proposal, saying why (recorded with your name and the time).")

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
        let store = try state.open()
        _ = try state.proposal(id, in: store)
        let user = Person.name()
        do {
            try store.recordRejection(id, user: user, at: CycleCommand.wallClock(),
                                      reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch let e as DecisionError {
            throw fail(e.description, ExitStatus.dataError)
        } catch {
            throw fail("cannot record the rejection of proposal \(id): \(error)", ExitStatus.software)
        }
        print("Proposal \(id) rejected by \(PrintableText.safe(user)).")
    }
}

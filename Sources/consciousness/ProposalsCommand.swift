import FeedbackLoop
import ArgumentParser
import Foundation
import StateStore

/// `consciousness proposals …`: the person's side of evolution. The daemon only ever
/// proposes; these commands list, show, approve (a commit on a new branch of the agent
/// framework's repository) and reject, each decision recorded with who and when.
struct ProposalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposals",
        abstract: "Review evolution proposals: list, show, approve (a commit on a new branch), reject.",
        discussion: "Approving never touches your checkout or current branch and never merges: it commits the "
            + "proposal's Markdown, appended to .claude/agents/<agent>-delta.md, on a new branch "
            + "consciousness/proposal-<id>. Merge that branch when you choose.",
        subcommands: [ProposalListCommand.self, ProposalShowCommand.self, ProposalApproveCommand.self,
                      ProposalRejectCommand.self])
}

/// The state directory option every proposals command takes.
struct StateOption: ParsableArguments {
    @Option(help: "State directory (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    func open() throws -> StateStore { try Paths.existingStore(stateDir) }

    /// The proposal, or a clear refusal.
    func proposal(_ id: Int64, in store: StateStore) throws -> StoredProposal {
        let found: StoredProposal?
        do { found = try store.proposal(id: id) } catch { throw fail("cannot read proposal \(id): \(error)", ExitStatus.software) }
        guard let found else { throw fail(DecisionError.noSuchProposal(id).description, ExitStatus.dataError) }
        return found
    }
}

extension ProposalStatus: ExpressibleByArgument {}

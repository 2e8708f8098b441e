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
            + "proposal's Markdown, appended to .claude/agents/<agent>-delta.md, as you, on a new branch "
            + "consciousness/proposal-<id>-<content hash>. Merge that branch when you choose. With a daemon running, "
            + "the commands ask it over its control socket; your decisions are recorded with your uid and pid.",
        subcommands: [ProposalListCommand.self, ProposalShowCommand.self, ProposalApproveCommand.self,
                      ProposalRejectCommand.self])
}

/// The state directory option every proposals command takes.
struct StateOption: ParsableArguments {
    @Option(help: "State directory to use instead of the running daemon (default when none answers: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    func source() throws -> Source { try Source.resolve(stateDir: stateDir) }
}

extension ProposalStatus: ExpressibleByArgument {}

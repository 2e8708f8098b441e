import Approval
import ArgumentParser
import FeedbackLoop
import Foundation
import StateStore

struct ProposalApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a pending proposal: commit it on a new branch consciousness/proposal-<id>, for you to merge.",
        discussion: "Appends the proposal's Markdown, under a dated heading, to "
            + "AGENCY_ROOT/.claude/agents/<agent>-delta.md in a commit on the new branch consciousness/proposal-<id>, "
            + "whose message carries the evidence. Your checkout, index and current branch are not touched and nothing "
            + "is merged: review the branch (git log -p consciousness/proposal-<id>) and merge it when you choose.")

    @OptionGroup var state: StateOption

    @Argument(help: "The proposal's number.")
    var id: Int64

    @Option(help: "The agent framework's git checkout (default: $AGENCY_ROOT, else the configuration file's AGENCY_ROOT, else the current directory).")
    var agencyRoot: String?

    func run() async throws {
        let store = try state.open()
        let root = AgencyRoot.resolve(agencyRoot)
        let user = Person.name()
        let approved: ProposalApproval.Approved
        do {
            approved = try ProposalApproval.approve(id, in: store, repository: root, user: user, clock: CycleCommand.wallClock)
        } catch {
            throw fail(error.description, ExitCode(error.exitStatus))
        }
        print("""
            Proposal \(id) approved by \(PrintableText.safe(user)): branch \(approved.branch) (commit \(approved.commit.prefix(12))) \
            appends it to \(approved.path) in \(root).
            Your checkout and current branch are untouched; nothing is merged. Review and merge when you choose:
               git -C \(root) log -p -1 \(approved.branch)
               git -C \(root) merge \(approved.branch)
            """)
    }
}

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
        let p = try state.proposal(id, in: store)
        guard p.status == .pending else {
            throw fail(DecisionError.notPending(id, p.status).description + " (consciousness proposals show \(id))",
                       ExitStatus.dataError)
        }
        let root = AgencyRoot.resolve(agencyRoot)
        let user = Person.name()
        let now = CycleCommand.wallClock()
        let created: ProposalBranch.Created
        do { created = try ProposalBranch(root: root, proposal: p, user: user, now: now).create() } catch let r as ProposalBranch.Refusal {
            throw fail("cannot approve proposal \(id): \(r.message)", r.status)
        } catch {
            throw fail("cannot approve proposal \(id): \(error)", ExitStatus.software)
        }
        do {
            try store.recordApproval(id, user: user, at: now, branch: created.branch, commit: created.commit,
                                     markdown: p.proposal.markdown)
        } catch {
            // Redrafted meanwhile: approving again commits the new text. Decided meanwhile
            // (superseded, rejected): there is nothing left to approve.
            let next = if case DecisionError.notPending = error { "`consciousness proposals list` shows what stands now" }
                else { "approve again" }
            throw fail("branch \(created.branch) (commit \(created.commit)) was created, but the approval could not be "
                       + "recorded: \(error). Delete the branch (git -C '\(root)' branch -D \(created.branch)); then \(next).",
                       ExitStatus.software)
        }
        print("""
            Proposal \(id) approved by \(PrintableText.safe(user)): branch \(created.branch) (commit \(created.commit.prefix(12))) \
            appends it to \(created.path) in \(root).
            Your checkout and current branch are untouched; nothing is merged. Review and merge when you choose:
               git -C \(root) log -p -1 \(created.branch)
               git -C \(root) merge \(created.branch)
            """)
    }
}

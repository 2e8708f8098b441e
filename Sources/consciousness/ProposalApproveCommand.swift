import Approval
import ArgumentParser
import Control
import FeedbackLoop
import Foundation
import StateStore

struct ProposalApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a pending proposal: commit it, as you, on a new branch consciousness/proposal-<id>-<content>, for you to merge.",
        discussion: "Run it as yourself in your own checkout (no sudo: with a daemon running, the proposal comes "
            + "from it over its control socket, and the decision goes back the same way, with your uid). "
            + "Appends the proposal's Markdown, under a dated heading, to "
            + "AGENCY_ROOT/.claude/agents/<agent>-delta.md in a commit on a new branch whose name carries the "
            + "proposal's number and content hash; the commit's Approved-by: is your git user.name <user.email>, "
            + "else your login name. Your checkout, index and current branch are not touched and nothing "
            + "is merged: review the branch (git log -p BRANCH) and merge it when you choose.")

    @OptionGroup var state: StateOption

    @Argument(help: "The proposal's number.")
    var id: Int64

    @Option(help: "The agent framework's git checkout (default: $AGENCY_ROOT, else the configuration file's AGENCY_ROOT, else the current directory).")
    var agencyRoot: String?

    func run() async throws {
        let root = AgencyRoot.resolve(agencyRoot)
        let user = Approver.of(repository: root, login: Person.login())
        let approved: ProposalApproval.Approved
        do {
            switch try state.source() {
            case .daemon(let d): approved = try await viaDaemon(d, root: root, user: user)
            case .local(let ops):
                approved = try ProposalApproval.approve(id, in: ops.store, repository: root, user: user, clock: CycleCommand.wallClock)
            }
        } catch let e as ApprovalError {
            throw fail(e.description, ExitCode(e.exitStatus))
        } catch let f as CommandFailure {
            throw f.exit
        }
        print("""
            Proposal \(id) approved by \(PrintableText.safe(user)): branch \(approved.branch) (commit \(approved.commit.prefix(12))) \
            appends it to \(approved.path) in \(root).
            Your checkout and current branch are untouched; nothing is merged. Review and merge when you choose:
               git -C \(root) log -p -1 \(approved.branch)
               git -C \(root) merge \(approved.branch)
            """)
    }

    /// The proposal from the daemon, the commit made here as the person, the decision
    /// recorded by the daemon (with this process's credentials, from the kernel).
    private func viaDaemon(_ d: DaemonClient, root: String, user: String) async throws -> ProposalApproval.Approved {
        let text = try await d.output(.GET, "/v1/proposals/\(id)/stored")
        let stored: StoredProposal
        do { stored = try JSONDecoder().decode(StoredProposal.self, from: Data(text.utf8)) } catch {
            throw CommandFailure("the daemon's proposal \(id) cannot be read: \(error)", CommandFailure.software)
        }
        let created = try ProposalApproval.commit(stored, id: id, repository: root, user: user, now: CycleCommand.wallClock())
        let record = ApprovalRecord(proposal: id, branch: created.branch, commit: created.commit,
                                    markdown: stored.proposal.markdown, approvedBy: user)
        let body = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        let reply = try await d.send(.POST, "/v1/proposals/\(id)/approval", body: body)
        guard reply.exitStatus == 0 else {
            throw ProposalApproval.notRecorded(created, root: root, cause: reply.text.trimmingCharacters(in: .whitespacesAndNewlines),
                                               decidedMeanwhile: reply.text.contains("decided already"))
        }
        return created
    }
}

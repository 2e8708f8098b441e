import FeedbackLoop
import Foundation
import StateStore

/// Approving a proposal: its Markdown, appended under a dated heading to
/// `.claude/agents/<agent>-delta.md` of the agent framework's repository, committed on
/// a new branch `consciousness/proposal-<id>`, and the decision recorded in the store.
///
/// Only git plumbing is used: the person's index, working tree and current branch are
/// never touched, and nothing is merged — the branch waits for the person to merge it.
public enum ProposalApproval {
    /// What an approval made.
    public struct Approved: Sendable, Equatable {
        public var proposal: Int64
        /// `consciousness/proposal-<id>`.
        public var branch: String
        /// The new commit's full hash.
        public var commit: String
        /// The delta file, relative to the top of the repository.
        public var path: String
    }

    /// Approves pending proposal `id` of `store` in the repository at `root` (its top
    /// level or a directory inside it), in the name of `user`.
    ///
    /// - Parameters:
    ///   - user: who decides: recorded with the decision, named in the commit's
    ///     `Approved-by:` trailer, and its author when git's configuration names nobody.
    ///   - clock: read once, for the heading's date and the decision's time.
    ///   - environment: the one git runs in (its configuration, `GIT_AUTHOR_*`), minus the
    ///     variables that would point git at another repository or index.
    /// - Throws: an ``ApprovalError``, whose ``ApprovalError/exitStatus`` is the
    ///   sysexits(3) status the command line exits with.
    public static func approve(_ id: Int64, in store: StateStore, repository root: String, user: String,
                               clock: () -> Microseconds,
                               environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ApprovalError) -> Approved
    {
        let found: StoredProposal?
        do { found = try store.proposal(id: id) } catch {
            throw ApprovalError(proposal: id, reason: .storeUnreadable("\(error)"))
        }
        let now = clock()
        let created = try commit(found, id: id, repository: root, user: user, now: now, environment: environment)
        do {
            try store.recordApproval(id, user: user, at: now, branch: created.branch, commit: created.commit,
                                     markdown: found?.proposal.markdown ?? "")
        } catch {
            // Redrafted meanwhile: approving again commits the new text. Decided meanwhile
            // (superseded, rejected): there is nothing left to approve.
            let decided = if case DecisionError.notPending = error { true } else { false }
            throw notRecorded(created, root: root, cause: "\(error)", decidedMeanwhile: decided)
        }
        return created
    }

    /// The half of an approval done in the person's repository, by the person's process:
    /// proposal `id` (as the store or the daemon gave it, nil: none) checked pending and
    /// committed on its branch. Recording the decision is the caller's half.
    public static func commit(_ found: StoredProposal?, id: Int64, repository root: String, user: String,
                              now: Microseconds, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ApprovalError) -> Approved
    {
        guard let p = found else { throw ApprovalError(proposal: id, reason: .noSuchProposal) }
        guard p.status == .pending else { throw ApprovalError(proposal: id, reason: .notPending(p.status)) }
        do {
            return try ProposalBranch(root: root, proposal: p, user: user, now: now, environment: environment).create()
        } catch {
            throw ApprovalError(proposal: id, reason: .refused(error))
        }
    }

    /// The branch stands but the decision was not recorded.
    public static func notRecorded(_ created: Approved, root: String, cause: String, decidedMeanwhile: Bool) -> ApprovalError {
        ApprovalError(proposal: created.proposal, reason: .notRecorded(branch: created.branch, commit: created.commit,
                                                                    root: root, cause: cause, decidedMeanwhile: decidedMeanwhile))
    }
}

/// Why a proposal was not approved, with the message the person reads and the exit
/// status the command line returns.
public struct ApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var proposal: Int64
    public var reason: Reason

    public enum Reason: Sendable, Equatable {
        /// The store could not be read (the error's text).
        case storeUnreadable(String)
        case noSuchProposal
        /// Decided already: approved, rejected or superseded.
        case notPending(ProposalStatus)
        /// The repository refused, or git failed: nothing was written.
        case refused(Refusal)
        /// The branch was made but the decision could not be recorded (a cycle redrafted
        /// or decided the proposal meanwhile, or the store failed): the branch is to be
        /// deleted by hand.
        case notRecorded(branch: String, commit: String, root: String, cause: String, decidedMeanwhile: Bool)
    }

    /// Why the repository was left alone.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// AGENCY_ROOT does not exist or is a file.
        case rootNotADirectory(root: String)
        /// AGENCY_ROOT is not inside a git work tree (git's first line of complaint, if any).
        case notAWorkTree(root: String, why: String?)
        /// The stored agent name is not `[a-z0-9_-]{1,48}`: no path is built from it.
        case invalidAgentName(String)
        /// A component of the delta file's path is a symbolic link on disk.
        case symbolicLink(path: String, shouldBe: FileKind)
        /// A component of the delta file's path is something else on disk.
        case wrongKind(path: String, shouldBe: FileKind)
        /// `.claude/agents` resolves outside the repository's own `.claude/agents`.
        case outsideRepository(agents: String, resolved: String, root: String)
        /// A component of the path at HEAD is not a tree or regular blob (a symlink, a submodule).
        case wrongKindAtHead(path: String, mode: String, shouldBe: FileKind)
        /// HEAD has no commit yet.
        case unbornHead(repository: String)
        /// A merge, rebase, am, cherry-pick or revert is in progress.
        case operationInProgress(repository: String, Operation)
        /// The delta file has changes not committed.
        case uncommittedChanges(repository: String, path: String)
        /// `consciousness/proposal-<id>-<content>` exists and is not this proposal's
        /// approval: it is never moved.
        case branchExists(repository: String, branch: String)
        /// The repository belongs to another user than the one approving (root under sudo).
        case notOwner(repository: String, owner: UInt32, user: UInt32)
        /// git failed (`git <command>: <its first line>`), or could not be run.
        case git(command: String, message: String)
        /// Anything else: a temporary directory that could not be made, a process not started.
        case failed(String)

        public var description: String {
            switch self {
            case .rootNotADirectory(let root):
                "AGENCY_ROOT \(root) is not a directory: pass --agency-root, or set AGENCY_ROOT to the agent framework's checkout"
            case .notAWorkTree(let root, let why):
                "AGENCY_ROOT \(root) is not a git work tree\(why.map { " (\($0))" } ?? ""): approving commits the change "
                    + "on a branch, so point --agency-root or AGENCY_ROOT at the agent framework's git checkout"
            case .invalidAgentName(let name):
                "the stored agent name \(PrintableText.quoted(name)) is not [a-z0-9_-]{1,48}: refusing to build a path "
                    + "from it (the state store may have been tampered with; reject the proposal)"
            case .symbolicLink(let path, let kind):
                "\(path) is a symbolic link: refusing to write a proposal through it (make it a plain "
                    + "\(kind == .directory ? "directory" : "file") in the repository)"
            case .wrongKind(let path, let kind): "\(path) is not a \(kind)"
            case .outsideRepository(let agents, let resolved, let root):
                "\(agents) resolves to \(resolved), outside \(root)/.claude/agents"
            case .wrongKindAtHead(let path, let mode, let kind):
                "\(path) at HEAD is not a \(kind) (mode \(mode)): refusing to write a proposal through it"
            case .unbornHead(let repository):
                "the repository at \(repository) has no commit yet (HEAD is unborn): make a first commit, then approve again"
            case .operationInProgress(let repository, let op):
                "the repository at \(repository) is in the middle of \(op.name): finish it (\(op.fix)), then approve again"
            case .uncommittedChanges(let repository, let path):
                "\(path) has uncommitted changes in \(repository): commit or stash them (git stash push -- \(path)), then approve again"
            case .branchExists(let repository, let branch):
                "branch \(branch) already exists in \(repository) and is not this proposal's approval: look at it "
                    + "(git log -p \(branch)); to approve, rename it first (git branch -m \(branch) \(branch).old)"
            case .notOwner(let repository, let owner, let user):
                "the repository at \(repository) belongs to uid \(owner), and this process runs as uid \(user): "
                    + "approve as its owner (without sudo: the command line reaches the daemon through its socket), "
                    + "so that nothing in it belongs to another user"
            case .git(let command, let message): "git \(command): \(message)"
            case .failed(let message): message
            }
        }

        /// sysexits(3): 65 the data, 66 no input, 73 cannot create, 75 try again, 78 configuration, 70 other.
        var exitStatus: Int32 {
            switch self {
            case .invalidAgentName, .symbolicLink, .wrongKind, .outsideRepository, .wrongKindAtHead: 65
            case .rootNotADirectory: 66
            case .notAWorkTree: 78
            case .unbornHead, .operationInProgress, .uncommittedChanges: 75
            case .branchExists: 73
            case .notOwner: 77
            case .git, .failed: 70
            }
        }
    }

    public enum FileKind: Sendable, CustomStringConvertible {
        case directory, regularFile
        public var description: String { self == .directory ? "directory" : "regular file" }
    }

    /// Work in progress in the repository, by the marker git leaves.
    public enum Operation: String, Sendable, CaseIterable {
        case merge = "MERGE_HEAD", rebaseMerge = "rebase-merge", rebaseApply = "rebase-apply"
        case cherryPick = "CHERRY_PICK_HEAD", revert = "REVERT_HEAD"

        var name: String {
            switch self {
            case .merge: "a merge"
            case .rebaseMerge: "a rebase"
            case .rebaseApply: "a rebase or am"
            case .cherryPick: "a cherry-pick"
            case .revert: "a revert"
            }
        }

        var fix: String {
            switch self {
            case .merge: "git merge --continue or git merge --abort"
            case .rebaseMerge: "git rebase --continue or git rebase --abort"
            case .rebaseApply: "git rebase --continue, git rebase --abort or git am --abort"
            case .cherryPick: "git cherry-pick --continue or git cherry-pick --abort"
            case .revert: "git revert --continue or git revert --abort"
            }
        }
    }

    /// The line the command line prints after `consciousness: `.
    public var description: String {
        switch reason {
        case .storeUnreadable(let why): "cannot read proposal \(proposal): \(why)"
        case .noSuchProposal: DecisionError.noSuchProposal(proposal).description
        case .notPending(let status):
            DecisionError.notPending(proposal, status).description + " (consciousness proposals show \(proposal))"
        case .refused(let r): "cannot approve proposal \(proposal): \(r)"
        case .notRecorded(let branch, let commit, let root, let cause, let decided):
            decided
                ? "branch \(branch) (commit \(commit)) was created, but the proposal was decided meanwhile: \(cause). "
                    + "The branch is yours to delete (git -C '\(root)' branch -D \(branch)); `consciousness proposals list` shows what stands now."
                : "branch \(branch) (commit \(commit)) was created, but the approval could not be recorded: \(cause). "
                    + "Approve again: an unchanged proposal finds this branch and records it; a redrafted one gets a branch of its own."
        }
    }

    /// The sysexits(3) status for the command line: 65 (EX_DATAERR) for a proposal
    /// that cannot be approved or a path refused, 66 (EX_NOINPUT) no AGENCY_ROOT,
    /// 73 (EX_CANTCREAT) the branch exists, 75 (EX_TEMPFAIL) a repository not ready
    /// (fix it and run the same command again), 78 (EX_CONFIG) not a git work tree,
    /// 70 (EX_SOFTWARE) anything else.
    public var exitStatus: Int32 {
        switch reason {
        case .noSuchProposal, .notPending: 65
        case .storeUnreadable, .notRecorded: 70
        case .refused(let r): r.exitStatus
        }
    }
}

@testable import Approval
import Foundation
import Testing

/// A repository not ready, or not safe, for an approval: the typed refusal, its exit
/// status, and nothing written — no branch, the proposal still pending.
@Suite struct RefusalTests {
    enum Situation: String, CaseIterable, Sendable {
        case dirtyDeltaFile, untrackedDeltaFile, mergeInProgress, cherryPickInProgress, unbornHead, branchExists
        case notAWorkTree, noSuchDirectory, symlinkedAgentsDirectory, symlinkAtHead
    }

    /// Puts the repository in `situation`; returns the root to approve in and the
    /// refusal expected there.
    func arrange(_ situation: Situation, _ s: Scratch, proposal id: Int64) throws -> (root: String, ApprovalError.Refusal) {
        let top = s.root
        switch situation {
        case .dirtyDeltaFile:
            try s.write(".claude/agents/planner-delta.md", "# planner delta\n\nmy own edit\n")
            return (top, .uncommittedChanges(repository: top, path: ".claude/agents/planner-delta.md"))
        case .untrackedDeltaFile:
            try s.write(".claude/agents/planner-delta.md", "")
            try s.git("rm", "-q", "--cached", ".claude/agents/planner-delta.md")
            try s.git("commit", "-q", "-m", "untrack")
            return (top, .uncommittedChanges(repository: top, path: ".claude/agents/planner-delta.md"))
        case .mergeInProgress:
            try conflict(s, "merge")
            return (top, .operationInProgress(repository: top, .merge))
        case .cherryPickInProgress:
            try conflict(s, "cherry-pick")
            return (top, .operationInProgress(repository: top, .cherryPick))
        case .unbornHead:
            return (top, .unbornHead(repository: top))
        case .branchExists:
            // The very name the approval would take, holding something else (main's tip).
            let markdown = try #require(try s.store.proposal(id: id)).proposal.markdown
            let content = try s.hashObject(markdown)
            let name = ProposalBranch.branch(id: id, content: content)
            try s.git("branch", name)
            return (top, .branchExists(repository: top, branch: name))
        case .notAWorkTree:
            let plain = s.dir + "/plain"
            try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
            let why = try s.gitOutput(["-C", plain, "rev-parse"]).stderr.split(separator: "\n").first.map(String.init)
            return (plain, .notAWorkTree(root: plain, why: why))
        case .noSuchDirectory:
            return (s.dir + "/none", .rootNotADirectory(root: s.dir + "/none"))
        case .symlinkedAgentsDirectory:
            try FileManager.default.createDirectory(atPath: s.dir + "/outside", withIntermediateDirectories: true)
            try FileManager.default.removeItem(atPath: top + "/.claude/agents")
            try FileManager.default.createSymbolicLink(atPath: top + "/.claude/agents", withDestinationPath: s.dir + "/outside")
            try s.commit("a symlink")
            return (top, .symbolicLink(path: top + "/.claude/agents", shouldBe: .directory))
        case .symlinkAtHead:
            // In history a symlink, in the checkout (told to ignore it) a real directory.
            try FileManager.default.removeItem(atPath: top + "/.claude")
            try FileManager.default.createSymbolicLink(atPath: top + "/.claude", withDestinationPath: "/etc")
            try s.commit("symlink .claude")
            try FileManager.default.removeItem(atPath: top + "/.claude")
            try s.git("update-index", "--assume-unchanged", ".claude")
            return (top, .wrongKindAtHead(path: ".claude", mode: "120000", shouldBe: .directory))
        }
    }

    /// main and a branch `other` change the README apart; `command other` stops on the
    /// conflict, leaving its marker (MERGE_HEAD, CHERRY_PICK_HEAD).
    func conflict(_ s: Scratch, _ command: String) throws {
        try s.git("checkout", "-q", "-b", "other")
        try s.write("README.md", "# Agency, other\n")
        try s.commit("other")
        try s.git("checkout", "-q", "main")
        try s.write("README.md", "# Agency, main\n")
        try s.commit("main")
        let o = try s.gitOutput([command, "other"])
        #expect(o.status != 0, "\(command) other: no conflict")
    }

    @Test(arguments: Situation.allCases)
    func refused(_ situation: Situation) throws {
        let s = try Scratch(commit: situation != .unbornHead)
        let id = try s.propose("planner")
        let (root, expected) = try arrange(situation, s, proposal: id)
        let before = try s.git("for-each-ref", "--format=%(refname) %(objectname)")
        let e = s.refusal(id, root: root)
        #expect(e?.reason == .refused(expected), "\(e.map(\.description) ?? "approved")")
        #expect(e?.description == "cannot approve proposal \(id): \(expected)")
        #expect(e?.exitStatus == Self.status[situation])
        #expect(try s.store.proposal(id: id)?.status == .pending)
        #expect(try s.git("for-each-ref", "--format=%(refname) %(objectname)") == before)
    }

    /// sysexits(3): 75 for a repository to fix and try again, 73 a branch in the way,
    /// 78 no repository, 66 no directory, 65 a path refused.
    static let status: [Situation: Int32] = [
        .dirtyDeltaFile: 75, .untrackedDeltaFile: 75, .mergeInProgress: 75, .cherryPickInProgress: 75, .unbornHead: 75,
        .branchExists: 73, .notAWorkTree: 78, .noSuchDirectory: 66, .symlinkedAgentsDirectory: 65, .symlinkAtHead: 65,
    ]

    /// The messages the command line prints, word for word.
    @Test func messages() {
        let cases: [(ApprovalError.Refusal, String)] = [
            (.uncommittedChanges(repository: "/r", path: "a/b.md"),
             "a/b.md has uncommitted changes in /r: commit or stash them (git stash push -- a/b.md), then approve again"),
            (.operationInProgress(repository: "/r", .rebaseApply),
             "the repository at /r is in the middle of a rebase or am: finish it (git rebase --continue, git rebase --abort "
                + "or git am --abort), then approve again"),
            (.wrongKind(path: "/r/.claude", shouldBe: .directory), "/r/.claude is not a directory"),
            (.symbolicLink(path: "/r/.claude/agents/p-delta.md", shouldBe: .regularFile),
             "/r/.claude/agents/p-delta.md is a symbolic link: refusing to write a proposal through it (make it a plain "
                + "file in the repository)"),
            (.outsideRepository(agents: "/r/.claude/agents", resolved: "/elsewhere", root: "/r"),
             "/r/.claude/agents resolves to /elsewhere, outside /r/.claude/agents"),
            (.git(command: "update-ref", message: "cannot lock ref"), "git update-ref: cannot lock ref"),
        ]
        for (refusal, message) in cases { #expect(refusal.description == message) }
        let notRecorded = ApprovalError(proposal: 7, reason: .notRecorded(
            branch: "consciousness/proposal-7", commit: "abc", root: "/r", cause: "disk full", decidedMeanwhile: false))
        #expect(notRecorded.exitStatus == 70)
        #expect(notRecorded.description == "branch consciousness/proposal-7 (commit abc) was created, but the approval could "
                + "not be recorded: disk full. Approve again: an unchanged proposal finds this branch and records it; "
                + "a redrafted one gets a branch of its own.")
    }
}

@testable import Approval
import Foundation
import StateStore
import Testing

/// `ProposalApproval.approve` in a real repository made by `git init`.
@Suite struct ProposalApprovalTests {
    @Test func approvingCommitsTheDeltaFileOnANewBranchAndTouchesNothingElse() throws {
        let s = try Scratch()
        let id = try s.propose("planner")
        let main = try s.git("rev-parse", "refs/heads/main")
        let index = try Data(contentsOf: URL(fileURLWithPath: s.root + "/.git/index"))

        let approved = try s.approve(id)
        let branch = try s.approvalBranch(id)
        #expect(approved == ProposalApproval.Approved(proposal: id, branch: branch,
                                                      commit: try s.git("rev-parse", "refs/heads/\(branch)"),
                                                      path: ".claude/agents/planner-delta.md"))
        // Named by number and content: the content hash is the one its commit carries.
        let content = try s.git("log", "-1", "--format=%(trailers:key=Consciousness-Content,valueonly)", branch)
        #expect(content.count == 40 && branch == "consciousness/proposal-\(id)-\(content.prefix(12))")
        #expect(try s.git("rev-parse", "\(approved.commit)^") == main)
        #expect(try s.git("diff", "--name-only", main, approved.commit) == approved.path)
        #expect(try s.git("show", "\(approved.commit):\(approved.path)") == """
            # planner delta

            Earlier learnings.

            ## 2026-11-25 — proposal \(id) (planner)

            ### Learnings for planner

            - Load the whole context first.
            """)
        // The person's side: the same branch, main, index and files.
        #expect(try s.git("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try s.git("rev-parse", "refs/heads/main") == main)
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.root + "/.git/index")) == index)
        #expect(try s.git("status", "--porcelain").isEmpty)
        // The decision: who, when, the branch and the commit.
        #expect(try s.store.proposal(id: id)?.status == .approved)
        let decision = try s.store.decisions(proposal: id).last
        #expect(decision?.user == "tester" && decision?.at == Scratch.now)
        #expect(decision?.branch == approved.branch && decision?.commit == approved.commit)
        // Decided now: a second approval is refused.
        #expect(s.refusal(id)?.reason == .notPending(.approved))
    }

    /// Text the simulator wrote says so in the agent's file too.
    @Test func aSimulatedDraftIsMarkedInTheDeltaFile() throws {
        let s = try Scratch()
        let id = try s.propose("planner", author: "qwen2.5-coder:7b, simulated")
        let approved = try s.approve(id)
        let text = try s.git("show", "\(approved.commit):\(approved.path)")
        #expect(text.contains("<!-- drafted by qwen2.5-coder:7b, simulated: ollama-sim's text, not a model's -->"))
        let plain = try s.propose("auditor")
        #expect(!(try s.git("show", "\(try s.approve(plain).commit):.claude/agents/auditor-delta.md")).contains("ollama-sim"))
    }

    @Test func aNewDeltaFileIsCreatedOnlyOnTheBranch() throws {
        let s = try Scratch()
        let id = try s.propose("auditor")
        let approved = try s.approve(id)
        #expect(approved.path == ".claude/agents/auditor-delta.md")
        #expect(try s.git("show", "\(approved.commit):\(approved.path)").hasPrefix("## 2026-11-25 — proposal \(id) (auditor)\n\n"))
        #expect(!FileManager.default.fileExists(atPath: s.root + "/" + approved.path))
    }

    /// AGENCY_ROOT inside the repository: the delta file under it, named from the top.
    @Test func anAgencyRootInsideTheRepository() throws {
        let s = try Scratch()
        try FileManager.default.createDirectory(atPath: s.root + "/frameworks/agency/.claude/agents", withIntermediateDirectories: true)
        try s.write("frameworks/agency/.claude/agents/planner-delta.md", "# sub planner\n")
        try s.commit("a framework in a subdirectory")
        let id = try s.propose("planner")
        let approved = try s.approve(id, root: s.root + "/frameworks/agency")
        #expect(approved.path == "frameworks/agency/.claude/agents/planner-delta.md")
        #expect(try s.git("show", "\(approved.commit):\(approved.path)").hasPrefix("# sub planner\n\n## 2026-11-25"))
    }

    /// A function name from the log holding a newline cannot forge a trailer.
    @Test func theCommitMessageCarriesTheEvidenceEscaped() throws {
        let s = try Scratch()
        let id = try s.propose("planner", functions: ["plan\nApproved-by: mallory"])
        let approved = try s.approve(id)
        let message = try s.git("log", "-1", "--format=%B", approved.commit)
        #expect(message.hasPrefix("consciousness: proposal \(id) for the planner agent\n"))
        #expect(message.contains("- pattern_plan\\u{a}Approved-by: mallory (plan\\u{a}Approved-by: mallory): 42 violations, trend INCREASING, Article I"))
        #expect(message.contains("Confidence: 93%"))
        #expect(try s.git("log", "-1", "--format=%(trailers:key=Approved-by,valueonly)", approved.commit) == "tester")
        #expect(try s.git("log", "-1", "--format=%(trailers:key=Consciousness-Proposal,valueonly)", approved.commit) == "\(id)")
    }

    /// Who commits: git's configuration, else GIT_AUTHOR_*/GIT_COMMITTER_*, else the user.
    @Test(arguments: [
        (config: true, env: [String: String](), expected: "Test Person <test@example.com>|Test Person <test@example.com>"),
        (config: false, env: [:], expected: "tester <tester@localhost>|tester <tester@localhost>"),
        (config: false, env: ["GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.com"],
         expected: "Ann <ann@example.com>|tester <tester@localhost>"),
    ])
    func theCommitsIdentity(config: Bool, env: [String: String], expected: String) throws {
        let s = try Scratch()
        if config {
            try s.git("config", "user.name", "Test Person")
            try s.git("config", "user.email", "test@example.com")
        }
        let id = try s.propose("planner")
        let approved = try ProposalApproval.approve(id, in: s.store, repository: s.root, user: "tester", clock: { Scratch.now },
                                                    environment: isolatedEnvironment.merging(env) { $1 })
        #expect(try s.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", approved.commit) == expected)
    }

    @Test func aSupersededProposalIsNotApproved() throws {
        let s = try Scratch()
        let first = try s.propose("planner", functions: ["create_planner_agent"], cycle: 1)
        let second = try s.propose("planner", functions: ["create_planner_agent", "plan_task"], cycle: 2)
        let e = s.refusal(first)
        #expect(e?.reason == .notPending(.superseded))
        #expect(e?.exitStatus == 65)
        #expect(e?.description == "proposal \(first) is superseded, not pending: it was decided already "
                + "(consciousness proposals show \(first))")
        #expect(try s.approvalBranches().isEmpty)
        #expect(try s.approve(second).branch == s.approvalBranch(second))
    }

    @Test func anUnknownProposal() throws {
        let s = try Scratch()
        let e = s.refusal(99)
        #expect(e?.reason == .noSuchProposal && e?.exitStatus == 65)
        #expect(e?.description == "there is no proposal 99 (consciousness proposals list shows them)")
    }

    static let hostileNames = ["../../etc/passwd", "/etc/passwd", "pl\u{430}nner" /* Cyrillic а */,
                               "\u{FF50}\u{FF4C}\u{FF41}\u{FF4E}\u{FF4E}\u{FF45}\u{FF52}" /* fullwidth */,
                               String(repeating: "a", count: 49), "", "Planner", "planner.md", "planner\n", "\u{1B}[2Jplanner"]

    /// A stored name no path is built from: refused, shown escaped, nothing written.
    @Test(arguments: hostileNames)
    func aHostileAgentNameIsRefused(name: String) throws {
        let s = try Scratch()
        let id = try s.propose(name)
        let e = s.refusal(id)
        #expect(e?.reason == .refused(.invalidAgentName(name)))
        #expect(e?.exitStatus == 65)
        #expect(e?.description.contains("is not [a-z0-9_-]{1,48}") == true)
        #expect(e?.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } == false)
        #expect(try s.approvalBranches().isEmpty)
        #expect(try s.git("status", "--porcelain").isEmpty)
    }

    /// After a state reset proposals are numbered from 1 again: "proposal 1" of the new
    /// store names another proposal's branch no longer, and the earlier branch stands.
    @Test func aStateResetCannotReuseAnApprovedProposalsBranch() throws {
        let s = try Scratch()
        let id = try s.propose("planner")
        let first = try s.approve(id)
        var reset = try #require(try s.store.proposal(id: id))
        reset.status = .pending
        reset.proposal.markdown = "### Learnings for planner\n\n- A different lesson, from a fresh store.\n"
        let second = try ProposalApproval.commit(reset, id: id, repository: s.root, user: "tester", now: Scratch.now,
                                                 environment: isolatedEnvironment)
        #expect(second.branch != first.branch && second.branch.hasPrefix("consciousness/proposal-\(id)-"))
        #expect(try s.git("rev-parse", "refs/heads/\(first.branch)") == first.commit)
        #expect(try s.git("show", "\(second.commit):\(second.path)").hasSuffix("- A different lesson, from a fresh store."))
    }

    /// An approval committed but not recorded (the daemon gone meanwhile): approving
    /// again finds its own branch and commit, and makes nothing new.
    @Test func approvingAgainFindsTheSameBranch() throws {
        let s = try Scratch()
        let id = try s.propose("planner")
        let p = try #require(try s.store.proposal(id: id))
        let once = try ProposalApproval.commit(p, id: id, repository: s.root, user: "tester", now: Scratch.now,
                                               environment: isolatedEnvironment)
        let refs = try s.approvalBranches()
        let again = try ProposalApproval.commit(p, id: id, repository: s.root, user: "tester", now: Scratch.now + 60_000_000,
                                                environment: isolatedEnvironment)
        #expect(again == once)
        #expect(try s.approvalBranches() == refs)
    }
}

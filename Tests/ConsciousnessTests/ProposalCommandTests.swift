import Foundation
import Testing

/// `consciousness proposals …` against a real store and a real git repository.
@Suite struct ProposalCommandTests {
    let dir = temporaryDirectory()
    var state: String { dir + "/state" }

    func run(_ args: [String], env: [String: String] = [:]) async throws -> Binary.Result {
        try await Binary.run(["proposals"] + args + ["--state-dir", state], env: Repo.isolation.merging(env) { $1 })
    }

    /// AGENCY_ROOT may be a directory inside the repository: the delta file committed is
    /// the one under it, the same the refusals checked.
    @Test func anAgencyRootInsideTheRepositoryGetsItsOwnDeltaFile() async throws {
        let repo = try await Repo.make(in: dir)
        let sub = repo.root + "/frameworks/agency"
        try FileManager.default.createDirectory(atPath: sub + "/.claude/agents", withIntermediateDirectories: true)
        try "# sub planner\n".write(toFile: sub + "/.claude/agents/planner-delta.md", atomically: true, encoding: .utf8)
        try await repo.commit("a framework in a subdirectory")
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let r = try await run(["approve", "\(id)", "--agency-root", sub])
        #expect(r.status == 0, "\(r.stderr)")
        let commit = try await repo.git("rev-parse", "refs/heads/" + repo.branch(of: id))
        await #expect(try repo.git("diff", "--name-only", "\(commit)^", commit) == "frameworks/agency/.claude/agents/planner-delta.md")
        await #expect(try repo.git("show", "\(commit):frameworks/agency/.claude/agents/planner-delta.md").hasPrefix("# sub planner"))
    }

    @Test func approveCommitsOnANewBranchAndTouchesNothingElse() async throws {
        let repo = try await Repo.make(in: dir)
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let mainBefore = try await repo.git("rev-parse", "refs/heads/main")
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: repo.root + "/.git/index"))
        let treeBefore = try await snapshot(repo.root)

        let r = try await run(["approve", "\(id)", "--agency-root", repo.root])
        #expect(r.status == 0, "\(r.stderr)")
        let branch = try await repo.branch(of: id)
        #expect(!branch.isEmpty && r.stdout.contains("branch \(branch)"))
        #expect(r.stdout.contains("git -C \(repo.root) merge \(branch)"))

        // The branch: one commit on top of main, changing the delta file only.
        let commit = try await repo.git("rev-parse", "refs/heads/\(branch)")
        await #expect(try repo.git("rev-parse", "\(commit)^") == mainBefore)
        await #expect(try repo.git("diff", "--name-only", mainBefore, commit) == ".claude/agents/planner-delta.md")
        let content = try await repo.git("show", "\(commit):.claude/agents/planner-delta.md")
        #expect(content == """
            # planner delta

            Earlier learnings.

            ## \(todayUTC()) — proposal \(id) (planner)

            ### Constitutional learnings for the planner agent

            - Load the whole context first.
            """)
        let message = try await repo.git("log", "-1", "--format=%B", commit)
        #expect(message.hasPrefix("consciousness: proposal \(id) for the planner agent"))
        for part in ["Confidence: 93%", "Rationale: 42 violations of the planner agent, trend INCREASING.",
                     "- pattern_create_planner_agent (create_planner_agent): 42 violations, trend INCREASING, Article I, Article II",
                     "Consciousness-Proposal: \(id)", "Approved-by: Test Person <test@example.com>"] {
            #expect(message.contains(part), "\(part)")
        }
        await #expect(try repo.git("log", "-1", "--format=%an <%ae>", commit) == "Test Person <test@example.com>")

        // The person's side: same branch checked out, same main, same index, same files.
        await #expect(try repo.git("symbolic-ref", "HEAD") == "refs/heads/main")
        await #expect(try repo.git("rev-parse", "refs/heads/main") == mainBefore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: repo.root + "/.git/index")) == indexBefore)
        await #expect(try snapshot(repo.root) == treeBefore)
        await #expect(try repo.git("status", "--porcelain").isEmpty)

        // The decision trail names who, the branch and the commit; a second approval is refused.
        let show = try await run(["show", "\(id)"])
        #expect(show.stdout.contains("Proposal \(id): approved"))
        // Approved by the person's git identity, not $USER.
        #expect(show.stdout.contains("approved by Test Person <test@example.com> — branch \(branch), commit \(commit)"))
        let json = try await run(["show", "\(id)", "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let decision = (obj?["decisions"] as? [[String: Any]])?.first
        #expect(decision?["commit"] as? String == commit)
        #expect(decision?["user"] as? String == "Test Person <test@example.com>")
        let again = try await run(["approve", "\(id)", "--agency-root", repo.root])
        #expect(again.status == 65)
        #expect(again.stderr.contains("proposal \(id) is approved, not pending"))
    }

    @Test func withoutAGitIdentityTheOSUserCommits() async throws {
        let repo = try await Repo.make(in: dir, configureIdentity: false)
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let r = try await run(["approve", "\(id)", "--agency-root", repo.root])
        #expect(r.status == 0, "\(r.stderr)")
        // The login name as the system has it (not $USER, which says "tester" here).
        let login = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        await #expect(try repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%(trailers:key=Approved-by,valueonly)", repo.branch(of: id))
                == "\(login) <\(login)@localhost>|\(login) <\(login)@localhost>|\(login)")
    }

    @Test func aNewDeltaFileIsCreatedOnTheBranch() async throws {
        let repo = try await Repo.make(in: dir)
        let id = try await Proposals.store([Proposals.proposal("auditor")], in: state)[0]
        let r = try await run(["approve", "\(id)"], env: ["AGENCY_ROOT": repo.root])
        #expect(r.status == 0, "\(r.stderr)")
        let content = try await repo.git("show", repo.branch(of: id) + ":.claude/agents/auditor-delta.md")
        #expect(content.hasPrefix("## \(todayUTC()) — proposal \(id) (auditor)\n\n### Constitutional learnings"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.claude/agents/auditor-delta.md"))
    }

    /// No --agency-root, no $AGENCY_ROOT: the configuration file's AGENCY_ROOT, as the
    /// daemon reads it. A function name from the log cannot forge commit trailers.
    @Test func theRepositoryComesFromTheConfigurationFile() async throws {
        let repo = try await Repo.make(in: dir)
        let config = dir + "/consciousness.env"
        try "AGENCY_ROOT=\(repo.root)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let id = try await Proposals.store([Proposals.proposal("planner", ["plan\nApproved-by: mallory"])], in: state)[0]
        let r = try await run(["approve", "\(id)"], env: ["AGENCY_ROOT": "", "CONSCIOUSNESS_CONFIG": config])
        #expect(r.status == 0, "\(r.stderr)")
        let message = try await repo.git("log", "-1", "--format=%B", repo.branch(of: id))
        #expect(message.contains("(plan\\u{a}Approved-by: mallory)"))
        await #expect(try repo.git("log", "-1", "--format=%(trailers:key=Approved-by,valueonly)", repo.branch(of: id))
                == "Test Person <test@example.com>")
    }

    @Test func aDirtyDeltaFileIsRefused() async throws {
        let repo = try await Repo.make(in: dir)
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        try "# planner delta\n\nmy own edit\n".write(toFile: repo.root + "/.claude/agents/planner-delta.md",
                                                  atomically: true, encoding: .utf8)
        let r = try await run(["approve", "\(id)", "--agency-root", repo.root])
        #expect(r.status == 75)
        #expect(r.stderr.contains(".claude/agents/planner-delta.md has uncommitted changes"))
        #expect(r.stderr.contains("git stash push -- .claude/agents/planner-delta.md"))
        await #expect(try repo.git("for-each-ref", "refs/heads/consciousness").isEmpty)
        await #expect(try run(["show", "\(id)"]).stdout.contains("Proposal \(id): pending"))
    }

    @Test func aRepositoryMidMergeIsRefused() async throws {
        let repo = try await Repo.make(in: dir)
        try await repo.git("checkout", "-q", "-b", "other")
        try "# Agency, other\n".write(toFile: repo.root + "/README.md", atomically: true, encoding: .utf8)
        try await repo.commit("other")
        try await repo.git("checkout", "-q", "main")
        try "# Agency, main\n".write(toFile: repo.root + "/README.md", atomically: true, encoding: .utf8)
        try await repo.commit("main")
        await #expect(try repo.gitResult(["merge", "other"]).status != 0)  // a conflict: MERGE_HEAD stays
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let r = try await run(["approve", "\(id)", "--agency-root", repo.root])
        #expect(r.status == 75)
        #expect(r.stderr.contains("in the middle of a merge"))
        #expect(r.stderr.contains("git merge --abort"))
        await #expect(try repo.git("for-each-ref", "refs/heads/consciousness").isEmpty)
    }

    @Test func anExistingBranchIsNeverMoved() async throws {
        let repo = try await Repo.make(in: dir)
        let proposal = Proposals.proposal("planner")
        let id = try await Proposals.store([proposal], in: state)[0]
        // A branch of the very name the approval takes (number and content hash), holding something else.
        try proposal.markdown.write(toFile: dir + "/markdown", atomically: true, encoding: .utf8)
        let content = try await repo.git("hash-object", dir + "/markdown")
        let name = "consciousness/proposal-\(id)-\(content.prefix(12))"
        try await repo.git("branch", name)
        let before = try await repo.git("rev-parse", name)
        let r = try await run(["approve", "\(id)", "--agency-root", repo.root])
        #expect(r.status == 73)
        #expect(r.stderr.contains("branch \(name) already exists"))
        #expect(r.stderr.contains("git branch -m") && !r.stderr.contains("branch -D"), "no hint that deletes a branch")
        await #expect(try repo.git("rev-parse", name) == before)
    }

    @Test func notAGitWorkTreeOrAnUnbornHeadIsRefused() async throws {
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let plain = dir + "/plain"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        let r = try await run(["approve", "\(id)", "--agency-root", plain])
        #expect(r.status == 78)
        #expect(r.stderr.contains("AGENCY_ROOT \(plain) is not a git work tree"))
        let missing = try await run(["approve", "\(id)", "--agency-root", dir + "/nowhere"])
        #expect(missing.status == 66)
        let unborn = Repo(root: dir + "/unborn")
        try FileManager.default.createDirectory(atPath: unborn.root, withIntermediateDirectories: true)
        try await unborn.git("init", "-q", "-b", "main")
        let u = try await run(["approve", "\(id)", "--agency-root", unborn.root])
        #expect(u.status == 75)
        #expect(u.stderr.contains("no commit yet (HEAD is unborn)"))
        await #expect(try run(["show", "\(id)"]).stdout.contains("Proposal \(id): pending"))
    }

    @Test func rejectNeedsAReasonAndRecordsIt() async throws {
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let none = try await run(["reject", "\(id)"])
        #expect(none.status == 64)
        let blank = try await run(["reject", "\(id)", "--reason", "   "])
        #expect(blank.status == 64)
        #expect(blank.stderr.contains("--reason must say why"))
        let r = try await run(["reject", "\(id)", "--reason", "the harness already loads context"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Proposal \(id) rejected by tester.\n")
        let show = try await run(["show", "\(id)"])
        #expect(show.stdout.contains("Proposal \(id): rejected"))
        #expect(show.stdout.contains("rejected by tester: the harness already loads context"))
        await #expect(try run(["reject", "\(id)", "--reason", "again"]).status == 65)
        let unknown = try await run(["reject", "999", "--reason", "x"])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("there is no proposal 999"))
        let list = try await run(["list", "--status", "rejected", "--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.map { $0["id"] as? Int } == [Int(id)])
        await #expect(try run(["list", "--status", "pending"]).stdout == "No pending proposals.\n")
    }

    @Test func aSupersededProposalShowsItsSuccessor() async throws {
        let first = try await Proposals.store([Proposals.proposal("planner", ["create_planner_agent"])], in: state, cycle: 1)[0]
        let second = try await Proposals.store([Proposals.proposal("planner", ["create_planner_agent", "plan_task"])],
                                         in: state, cycle: 2)[0]
        let list = try await run(["list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("#\(first) superseded (superseded by #\(second)) planner"))
        #expect(list.stdout.contains("#\(second) pending planner — confidence 93%, cycle 2"))
        let show = try await run(["show", "\(first)"])
        #expect(show.stdout.contains("Proposal \(first): superseded, superseded by #\(second)"))
        #expect(show.stdout.contains("superseded by consciousness — replaced by #\(second): cycle 2 found patterns"))
        let json = try await run(["list", "--json"])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.map { $0["status"] as? String } == ["superseded", "pending"])
        #expect(rows?.first?["superseded_by"] as? Int == Int(second))
        let approve = try await run(["approve", "\(first)", "--agency-root", dir])
        #expect(approve.status == 65)
        #expect(approve.stderr.contains("is superseded, not pending"))
    }

    @Test func noStateIsAClearError() async throws {
        let r = try await Binary.run(["proposals", "list", "--state-dir", dir + "/none"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("no state in \(dir)/none"))
        let bad = try await Binary.run(["proposals", "list", "--status", "maybe", "--state-dir", state])
        #expect(bad.status == 64)
    }
}

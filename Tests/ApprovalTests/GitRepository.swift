@testable import Approval
@testable import FeedbackLoop
import Foundation
import ProcessRunner
import StateStore

/// git as the tests run it: no global or system configuration, a known person.
let isolatedEnvironment = ProcessInfo.processInfo.environment.merging(
    ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "USER": "tester", "SUDO_USER": ""]) { $1 }

/// git setting the scene: isolated too, committing (and merging) as someone else.
let setupEnvironment = isolatedEnvironment.merging(
    ["GIT_AUTHOR_NAME": "Setup", "GIT_AUTHOR_EMAIL": "setup@example.com",
     "GIT_COMMITTER_NAME": "Setup", "GIT_COMMITTER_EMAIL": "setup@example.com"]) { $1 }

/// A git repository made by `git init` in a fresh temporary directory, and a store
/// beside it.
struct Scratch {
    let dir: String
    var root: String { dir + "/agency" }
    let store: StateStore

    /// With `commit`, the repository is on `main` with one commit holding a README and a
    /// planner delta file; without, HEAD is unborn.
    init(commit: Bool = true) throws {
        dir = NSTemporaryDirectory() + "cc-approval-" + UUID().uuidString
        store = try StateStore(directory: dir + "/state")
        try FileManager.default.createDirectory(atPath: root + "/.claude/agents", withIntermediateDirectories: true)
        try write("README.md", "# Agency\n")
        try write(".claude/agents/planner-delta.md", "# planner delta\n\nEarlier learnings.\n")
        try git("init", "-q", "-b", "main")
        if commit { try self.commit("initial") }
    }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: root + "/" + relative, atomically: true, encoding: .utf8)
    }

    /// Everything in the work tree, committed.
    func commit(_ message: String) throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }

    /// git's output; a failure throws.
    @discardableResult
    func git(_ args: String...) throws -> String {
        let o = try gitOutput(args)
        guard o.ok else { throw GitFailed(args: args, stderr: o.stderr) }
        return o.text
    }

    /// git's output whatever its exit status.
    func gitOutput(_ args: [String]) throws -> ChildProcess.Output {
        try ChildProcess.run("git", ["-C", root] + args, environment: setupEnvironment)
    }

    struct GitFailed: Error { var args: [String]; var stderr: String }

    /// git's blob hash of `text` (what names an approval's branch).
    func hashObject(_ text: String) throws -> String {
        let o = try ChildProcess.run("git", ["-C", root, "hash-object", "--stdin"], input: Data(text.utf8), environment: setupEnvironment)
        guard o.ok else { throw GitFailed(args: ["hash-object"], stderr: o.stderr) }
        return o.text
    }

    /// The branch the approval of proposal `id` made (`consciousness/proposal-<id>-<content>`).
    func approvalBranch(_ id: Int64) throws -> String {
        try git("for-each-ref", "--format=%(refname:short)", "refs/heads/consciousness/proposal-\(id)-*")
    }

    /// The branches approvals made.
    func approvalBranches() throws -> String { try git("for-each-ref", "--format=%(refname)", "refs/heads/consciousness") }

    /// Stores a pending proposal for `agent` (cycle `cycle`) and returns its id.
    func propose(_ agent: String, functions: [String] = ["create_planner_agent"], cycle: Int64 = 1,
                 author: String = "template") throws -> Int64 {
        let evidence = functions.map {
            Proposal.Evidence(patternID: "pattern_\($0)", function: $0, frequency: 42, trend: .increasing, articles: ["Article I"])
        }
        let p = Proposal(agent: agent, confidence: 0.93, rationale: "42 violations of the \(agent) agent.", evidence: evidence,
                         markdown: "### Learnings for \(agent)\n\n- Load the whole context first.\n", author: author)
        return try store.upsertPending([p], cycle: cycle, at: 1_760_000_000_000_000)[0].id
    }

    /// 2026-11-25T10:00:00Z.
    static let now = Timestamp.parse("2026-11-25T10:00:00Z")!

    func approve(_ id: Int64, root: String? = nil) throws(ApprovalError) -> ProposalApproval.Approved {
        try ProposalApproval.approve(id, in: store, repository: root ?? self.root, user: "tester", clock: { Self.now },
                                     environment: isolatedEnvironment)
    }

    /// The approval's refusal, or nil when it did not throw one.
    func refusal(_ id: Int64, root: String? = nil) -> ApprovalError? {
        do { _ = try approve(id, root: root) } catch { return error }
        return nil
    }
}

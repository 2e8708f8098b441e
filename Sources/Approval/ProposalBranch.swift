import FeedbackLoop
import Foundation
import StateStore

/// An approved proposal as a commit on its own new branch,
/// `consciousness/proposal-<id>-<content>` (the first 12 hex digits of the git blob hash
/// of its Markdown, so a state reset that numbers proposals from 1 again can never name
/// another proposal's branch), made with git plumbing: the blob, a tree built in a
/// throw-away index, the commit and a create-only ref update. The person's index,
/// working tree and current branch are never touched, and nothing is merged: the
/// branch holds the change until the person merges it. Made by the person's own
/// process: a repository the process's user does not own is refused, so nothing
/// root-owned lands in it.
struct ProposalBranch {
    let root: String
    let proposal: StoredProposal
    let user: String
    let now: Microseconds
    let environment: [String: String]

    static func branch(id: Int64, content: String) -> String { "consciousness/proposal-\(id)-\(content.prefix(12))" }

    func create() throws(ApprovalError.Refusal) -> ProposalApproval.Approved {
        do { return try commitOnBranch() } catch let r as ApprovalError.Refusal { throw r } catch {
            throw .failed("\(error)")
        }
    }

    private func commitOnBranch() throws -> ProposalApproval.Approved {
        let git = try repository()
        try refuseOtherOwner(git)
        let delta = try DeltaPath(agent: proposal.proposal.agent, root: root)
        // Where AGENCY_ROOT sits in the repository: asked of git in AGENCY_ROOT itself
        // (at the top level the answer would always be empty).
        let prefix = try git.at(root).check(["rev-parse", "--show-prefix"])
        let path = prefix + delta.relative
        let content = try git.check(["hash-object", "--stdin"], input: Data(proposal.proposal.markdown.utf8))
        let branch = Self.branch(id: proposal.id, content: content)
        if let made = try existingApproval(git, branch: branch, content: content, path: path) { return made }
        let head = try headCommit(git)
        try refuseOperationInProgress(git)
        try refuseUncommittedChanges(git, path)
        let (mode, existing) = try currentFile(git, head: head, path: path)
        let appended = ApprovalText.appended(to: existing, proposal, at: now)
        let blob = try git.check(["hash-object", "-w", "--stdin"], input: appended)
        let tree = try treeWith(git, head: head, path: path, mode: mode, blob: blob)
        let identity = try CommitIdentity.environment(git, user: user)
        let message = ApprovalText.commitMessage(proposal, path: path, user: user, content: content)
        let commit = try git.check(["commit-tree", tree, "-p", head, "-F", "-"], input: Data(message.utf8), env: identity)
        // The old value all zeros: the ref is created, never moved, even if another
        // approval raced this one since the check above.
        let zero = String(repeating: "0", count: head.count)
        try git.check(["update-ref", "-m", "consciousness: approve proposal \(proposal.id)",
                       "refs/heads/\(branch)", commit, zero])
        return ProposalApproval.Approved(proposal: proposal.id, branch: branch, commit: commit, path: path)
    }

    /// git at the work tree's top level, AGENCY_ROOT being the top or inside it.
    private func repository() throws -> Git {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ApprovalError.Refusal.rootNotADirectory(root: root)
        }
        let here = Git(directory: root, environment: environment)
        let probe = try here.run(["rev-parse", "--is-inside-work-tree", "--show-toplevel"])
        let answer = probe.text.split(separator: "\n")
        guard probe.ok, answer.first == "true", answer.count == 2 else {
            throw ApprovalError.Refusal.notAWorkTree(root: root, why: probe.stderr.split(separator: "\n").first.map(String.init))
        }
        return here.at(String(answer[1]))
    }

    private func headCommit(_ git: Git) throws -> String {
        let o = try git.run(["rev-parse", "-q", "--verify", "HEAD^{commit}"])
        guard o.ok, !o.text.isEmpty else { throw ApprovalError.Refusal.unbornHead(repository: git.directory) }
        return o.text
    }

    private func refuseOperationInProgress(_ git: Git) throws {
        for op in ApprovalError.Operation.allCases {
            var path = try git.check(["rev-parse", "--git-path", op.rawValue])
            if !path.hasPrefix("/") { path = git.directory + "/" + path }
            if FileManager.default.fileExists(atPath: path) {
                throw ApprovalError.Refusal.operationInProgress(repository: git.directory, op)
            }
        }
    }

    private func refuseUncommittedChanges(_ git: Git, _ path: String) throws {
        let status = try git.check(["status", "--porcelain", "--untracked-files=all", "--", path])
        guard status.isEmpty else { throw ApprovalError.Refusal.uncommittedChanges(repository: git.directory, path: path) }
    }

    /// The branch, when an earlier approval of this very proposal made it (its tip names
    /// the proposal and its content): the approval stands, and only its recording was
    /// left to do. A branch of that name holding anything else is refused, never moved.
    private func existingApproval(_ git: Git, branch: String, content: String, path: String) throws -> ProposalApproval.Approved? {
        let tip = try git.run(["rev-parse", "-q", "--verify", "refs/heads/\(branch)^{commit}"])
        guard tip.ok else { return nil }
        let message = try git.check(["log", "-1", "--format=%B", tip.text])
        let trailers = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard trailers.contains("Consciousness-Proposal: \(proposal.id)"), trailers.contains("Consciousness-Content: \(content)") else {
            throw ApprovalError.Refusal.branchExists(repository: git.directory, branch: branch)
        }
        return ProposalApproval.Approved(proposal: proposal.id, branch: branch, commit: tip.text, path: path)
    }

    /// Refuses a repository whose `.git` another user owns: git would write objects and
    /// refs owned by this process's user into it (root's, under sudo).
    private func refuseOtherOwner(_ git: Git) throws {
        var dir = try git.check(["rev-parse", "--git-dir"])
        if !dir.hasPrefix("/") { dir = git.directory + "/" + dir }
        var st = stat()
        guard stat(dir, &st) == 0 else { return }
        if st.st_uid != geteuid() {
            throw ApprovalError.Refusal.notOwner(repository: git.directory, owner: st.st_uid, user: geteuid())
        }
    }

    /// The file's mode and content at HEAD (empty when absent). The directories on the
    /// way must be trees there, and the file a regular blob, not a symlink.
    private func currentFile(_ git: Git, head: String, path: String) throws -> (String, Data) {
        let components = path.split(separator: "/").map(String.init)
        var prefix = ""
        for (i, c) in components.enumerated() {
            prefix += (prefix.isEmpty ? "" : "/") + c
            let entry = try git.check(["ls-tree", "--full-tree", head, "--", prefix])
            guard !entry.isEmpty else { return ("100644", Data()) }
            let mode = String(entry.prefix(while: { $0 != " " }))
            let isLast = i == components.count - 1
            let fine = isLast ? (mode == "100644" || mode == "100755") : mode == "040000"
            guard fine else {
                throw ApprovalError.Refusal.wrongKindAtHead(path: prefix, mode: mode, shouldBe: isLast ? .regularFile : .directory)
            }
            if isLast {
                let blob = try git.run(["cat-file", "blob", "\(head):\(path)"])
                guard blob.ok else { throw Git.failure(["cat-file"], blob.stderr) }
                return (mode, blob.stdout)
            }
        }
        return ("100644", Data())
    }

    /// HEAD's tree with `path` set to `blob`, built in a temporary index so the
    /// person's own index is not read or written.
    private func treeWith(_ git: Git, head: String, path: String, mode: String, blob: String) throws -> String {
        let dir = NSTemporaryDirectory() + "consciousness-index-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["GIT_INDEX_FILE": dir + "/index"]
        try git.check(["read-tree", head], env: env)
        try git.check(["update-index", "--add", "--cacheinfo", "\(mode),\(blob),\(path)"], env: env)
        return try git.check(["write-tree"], env: env)
    }
}

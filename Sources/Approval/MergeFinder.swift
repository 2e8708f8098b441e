import FeedbackLoop
import Foundation
import StateStore

/// Finds when approved proposals reached the agency repository's main line, with git,
/// read-only (rev-parse, merge-base, log, show): nothing in the repository is written.
///
/// A proposal's change is on the main line when its commit is an ancestor of the main
/// line's tip (merged, or fast-forwarded), or — squashed, rebased, cherry-picked or
/// copied by hand — when the delta file there holds its heading
/// (`## 2026-11-25 — proposal 12 (planner)`). The instant is the main-line commit that
/// brought it: the merge commit's committer date, the commit's own when fast-forwarded,
/// and for text the first main-line commit whose change added the heading.
public struct MergeFinder: Sendable {
    public let root: String
    public let environment: [String: String]

    public init(root: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.root = root
        self.environment = environment
    }

    /// The merges found among `fixes`; a repository git cannot read is an error (the
    /// cycle says so and looks again next time).
    public func find(_ fixes: [ApprovedFix]) throws -> [FixMerge] {
        guard !fixes.isEmpty else { return [] }
        let here = Git(directory: root, environment: environment, readOnly: true)
        let top = try here.check(["rev-parse", "--show-toplevel"])
        let prefix = try here.check(["rev-parse", "--show-prefix"])
        let git = here.at(top)
        let main = try mainLine(git)
        // One fix git cannot answer for (its commit gone after a gc, an agent name the
        // delta path refuses) is not found this cycle; the others still are.
        return fixes.compactMap { fix in
            if let m = try? merged(git, fix, main: main) { return m }
            guard let delta = try? DeltaPath(agent: fix.agent, root: root) else { return nil }
            return try? textAtHead(git, fix, main: main, path: prefix + delta.relative)
        }
    }

    /// The branch HEAD is on, unless that is a proposal branch (a person reviewing one):
    /// then `main` or `master`, whichever exists.
    func mainLine(_ git: Git) throws -> String {
        let head = try git.run(["symbolic-ref", "-q", "--short", "HEAD"])
        if head.ok, !head.text.hasPrefix("consciousness/proposal-") { return "refs/heads/" + head.text }
        for name in ["main", "master"] where try git.run(["rev-parse", "-q", "--verify", "refs/heads/\(name)"]).ok {
            return "refs/heads/\(name)"
        }
        throw Git.failure(["symbolic-ref"], "no main line: HEAD is detached or on a proposal branch, and there is no main or master")
    }

    func merged(_ git: Git, _ fix: ApprovedFix, main: String) throws -> FixMerge? {
        guard try git.run(["merge-base", "--is-ancestor", "--end-of-options", fix.commit, main]).ok else { return nil }
        // The main line's commits after the fix's, oldest first, with their parents.
        let log = try git.check(["log", "--first-parent", "--ancestry-path", "--reverse", "--format=%H %ct %P",
                                 "\(fix.commit)..\(main)"])
        let first = log.split(separator: "\n").first.map { $0.split(separator: " ").map(String.init) }
        if let f = first, f.count >= 4, f[2] != fix.commit, let seconds = Int64(f[1]) {
            // A merge commit whose first parent is the main line before it.
            return FixMerge(proposal: fix.proposal, mergedAt: seconds * 1_000_000, how: "merged", mainCommit: f[0])
        }
        // Fast-forwarded (or the tip itself): the commit is on the main line.
        guard let seconds = Int64(try git.check(["show", "-s", "--format=%ct", "--end-of-options", fix.commit])) else { return nil }
        return FixMerge(proposal: fix.proposal, mergedAt: seconds * 1_000_000, how: "merged", mainCommit: fix.commit)
    }

    func textAtHead(_ git: Git, _ fix: ApprovedFix, main: String, path: String) throws -> FixMerge? {
        guard let heading = try headingLine(git, fix, path: path) else { return nil }
        let file = try git.run(["show", "\(main):\(path)"])
        guard file.ok, file.text.contains(heading) else { return nil }
        let log = try git.check(["log", "--first-parent", "-m", "--reverse", "--format=%H %ct", "-S", heading, main, "--", path])
        guard let first = log.split(separator: "\n").first?.split(separator: " "), first.count == 2,
              let seconds = Int64(first[1]) else { return nil }
        return FixMerge(proposal: fix.proposal, mergedAt: seconds * 1_000_000, how: "text", mainCommit: String(first[0]))
    }

    /// The heading the approval wrote, read from the approval's own commit (the date in
    /// it is the approval's, which the store knows only in UTC microseconds).
    func headingLine(_ git: Git, _ fix: ApprovedFix, path: String) throws -> String? {
        let text = try git.run(["show", "--end-of-options", "\(fix.commit):\(path)"])
        guard text.ok else { return nil }
        let suffix = "proposal \(fix.proposal) (\(fix.agent))"
        return text.text.split(separator: "\n").last { $0.hasPrefix("## ") && $0.hasSuffix(suffix) }.map(String.init)
    }
}

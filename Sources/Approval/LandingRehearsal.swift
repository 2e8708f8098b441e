import FeedbackLoop
import Foundation
import ProcessRunner
import StateStore

/// `backtest --profiles`' check of `MergeFinder` against each way a person lands a
/// branch: in a throw-away repository, an approval's commit on
/// `consciousness/proposal-1` reaches `main` at a known instant by a merge commit, a
/// squash, a rebase or a cherry-pick — and the finder must name that instant.
/// (A fast-forward makes no commit of its own: git records when it happened only in
/// the local reflog, and the finder reports the commit's own date.)
public enum LandingRehearsal {
    public enum Style: String, Sendable, CaseIterable {
        case merge, squash, rebase, cherryPick = "cherry-pick"
    }

    /// The instant the finder found, or nil if it found nothing.
    public static func land(_ style: Style, approvedAt: Microseconds, mergedAt: Microseconds) throws -> Microseconds? {
        let dir = NSTemporaryDirectory() + "consciousness-landing-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/.claude/agents", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = ".claude/agents/researcher-delta.md"
        func git(_ args: [String], at instant: Microseconds) throws -> String {
            let date = "@\(instant / 1_000_000) +0000"
            let o = try ChildProcess.run("git", ["-C", dir, "-c", "user.name=Rehearsal", "-c", "user.email=r@example.invalid",
                                                 "-c", "commit.gpgsign=false"] + args,
                                         environment: ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                                                       "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
                                                       "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
            guard o.ok else { throw Git.failure(args, o.stderr) }
            return o.text
        }
        func write(_ text: String) throws { try text.write(toFile: dir + "/" + path, atomically: true, encoding: .utf8) }
        let day = Timestamp.microsPerDay
        try write("# researcher delta\n")
        _ = try git(["init", "-q", "-b", "main"], at: approvedAt - day)
        _ = try git(["add", "-A"], at: approvedAt - day)
        _ = try git(["commit", "-q", "-m", "initial"], at: approvedAt - day)
        _ = try git(["checkout", "-q", "-b", "consciousness/proposal-1"], at: approvedAt)
        let heading = "## \(Timestamp.iso8601(approvedAt).prefix(10)) — proposal 1 (researcher)"
        try write("# researcher delta\n\n\(heading)\n\n- Record each learning with its evidence.\n")
        _ = try git(["commit", "-q", "-am", "consciousness: proposal 1"], at: approvedAt)
        let commit = try git(["rev-parse", "HEAD"], at: approvedAt)
        _ = try git(["checkout", "-q", "main"], at: approvedAt)
        // Work on main meanwhile, in another file, so every style makes a new commit.
        try "notes\n".write(toFile: dir + "/NOTES.md", atomically: true, encoding: .utf8)
        _ = try git(["add", "NOTES.md"], at: approvedAt + 3_600_000_000)
        _ = try git(["commit", "-q", "-m", "meanwhile"], at: approvedAt + 3_600_000_000)
        switch style {
        case .merge:
            _ = try git(["merge", "-q", "--no-ff", "-m", "merge the fix", "consciousness/proposal-1"], at: mergedAt)
        case .squash:
            _ = try git(["merge", "-q", "--squash", "consciousness/proposal-1"], at: mergedAt)
            _ = try git(["commit", "-q", "-m", "the fix, squashed"], at: mergedAt)
        case .rebase:
            _ = try git(["checkout", "-q", "consciousness/proposal-1"], at: mergedAt)
            _ = try git(["rebase", "-q", "main"], at: mergedAt)
            _ = try git(["checkout", "-q", "main"], at: mergedAt)
            _ = try git(["merge", "-q", "--ff-only", "consciousness/proposal-1"], at: mergedAt)
        case .cherryPick:
            _ = try git(["cherry-pick", commit], at: mergedAt)
        }
        let fix = ApprovedFix(proposal: 1, agent: "researcher", functions: [], branch: "consciousness/proposal-1",
                              commit: commit, approvedAt: approvedAt)
        return try MergeFinder(root: dir, environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                                         "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"])
            .find([fix]).first?.mergedAt
    }
}

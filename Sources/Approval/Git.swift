import Foundation
import ProcessRunner

/// git, run as a child process in one repository (`git -C directory …`). Approving a
/// proposal uses plumbing only, so the person's index, working tree and current branch
/// are never touched.
struct Git {
    let directory: String
    /// The environment git runs in, without the variables that would point it at
    /// another repository or index than the one named.
    let environment: [String: String]
    /// Reading a repository another user owns (the daemon's DynamicUser reading the
    /// agency's checkout): git's ownership check (`safe.directory`) would refuse it,
    /// so read-only uses name the directory safe on the command line, a scope git honours.
    let readOnly: Bool

    init(directory: String, environment: [String: String], readOnly: Bool = false) {
        self.directory = directory
        self.readOnly = readOnly
        var e = environment
        for k in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"] {
            e.removeValue(forKey: k)
        }
        self.environment = e
    }

    /// The same git in another directory.
    func at(_ directory: String) -> Git { Git(directory: directory, environment: environment, readOnly: readOnly) }

    /// Runs git; a non-zero exit is an `Output`, not an error (callers ask questions
    /// whose "no" is an exit status). Throws only when git cannot be run at all.
    func run(_ args: [String], input: Data? = nil, env extra: [String: String] = [:]) throws -> ChildProcess.Output {
        let safe = readOnly ? ["-c", "safe.directory=*"] : []
        let o = try ChildProcess.run("git", ["-C", directory] + safe + args, input: input,
                                     environment: environment.merging(extra) { $1 })
        if o.notFound { throw Self.failure(args, "git is not installed (not found on PATH)") }
        return o
    }

    /// Runs git and returns its stdout as text; a non-zero exit throws with git's message.
    @discardableResult
    func check(_ args: [String], input: Data? = nil, env extra: [String: String] = [:]) throws -> String {
        let o = try run(args, input: input, env: extra)
        guard o.ok else { throw Self.failure(args, o.stderr) }
        return o.text
    }

    /// `git <command>: <the first line git wrote>`.
    static func failure(_ args: [String], _ stderr: String) -> ApprovalError.Refusal {
        .git(command: args.first ?? "", message: stderr.split(separator: "\n").first.map(String.init) ?? "failed")
    }
}

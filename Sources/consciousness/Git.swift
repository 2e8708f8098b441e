import Foundation
import ProcessRunner

/// git, run as a child process in one repository (`git -C directory …`). Approving a
/// proposal uses plumbing only, so the person's index, working tree and current branch
/// are never touched.
struct Git {
    let directory: String

    struct Failure: Error, CustomStringConvertible {
        var command: String
        var stderr: String
        var description: String {
            let why = stderr.split(separator: "\n").first.map(String.init) ?? "failed"
            return "git \(command): \(why)"
        }
    }

    /// Runs git; a non-zero exit is an `Output`, not an error (callers ask questions
    /// whose "no" is an exit status). Throws only when git cannot be run at all.
    func run(_ args: [String], input: Data? = nil, env extra: [String: String] = [:]) throws -> ChildProcess.Output {
        let o = try ChildProcess.run("git", ["-C", directory] + args, input: input, environment: environment(extra))
        if o.notFound { throw Failure(command: args.first ?? "", stderr: "git is not installed (not found on PATH)") }
        return o
    }

    /// Runs git and returns its stdout as text; a non-zero exit throws with git's message.
    @discardableResult
    func check(_ args: [String], input: Data? = nil, env extra: [String: String] = [:]) throws -> String {
        let o = try run(args, input: input, env: extra)
        guard o.ok else { throw Failure(command: args.first ?? "", stderr: o.stderr) }
        return o.text
    }

    /// The caller's environment without the variables that would point git at another
    /// repository or index than the one named, plus `extra`.
    private func environment(_ extra: [String: String]) -> [String: String] {
        var e = ProcessInfo.processInfo.environment
        for k in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"] {
            e.removeValue(forKey: k)
        }
        e.merge(extra) { $1 }
        return e
    }
}

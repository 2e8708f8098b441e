import Foundation

/// Who the approval commit is by: the person's own git configuration when it names
/// them; else `GIT_AUTHOR_*`/`GIT_COMMITTER_*` from the environment; else the OS user
/// name and `<user>@localhost`, so an unconfigured machine can still approve (git
/// would otherwise refuse to commit).
enum CommitIdentity {
    static func environment(_ git: Git, user: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let fallbacks = [("name", user), ("email", "\(user)@localhost")]
        for (field, fallback) in fallbacks {
            if try git.run(["config", "--get", "user.\(field)"]).ok { continue }
            for role in ["AUTHOR", "COMMITTER"] {
                let key = "GIT_\(role)_\(field.uppercased())"
                if git.environment[key]?.isEmpty ?? true { out[key] = fallback }
            }
        }
        return out
    }
}

/// Who approves, as the `Approved-by:` trailer and the decision name them: the
/// repository's git identity (`user.name <user.email>`), else the login name.
public enum Approver {
    public static func of(repository root: String, login: String,
                          environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let git = Git(directory: root, environment: environment)
        func get(_ key: String) -> String? {
            guard let o = try? git.run(["config", "--get", key]), o.ok, !o.text.isEmpty else { return nil }
            return o.text
        }
        guard let name = get("user.name") else { return login }
        return get("user.email").map { "\(name) <\($0)>" } ?? name
    }
}

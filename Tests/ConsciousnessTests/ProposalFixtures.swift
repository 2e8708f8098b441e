import FeedbackLoop
import GRDB
import Foundation
import StateStore

/// A real git repository in a temporary directory, with `git` run as a test would.
struct Repo {
    let root: String

    /// A repository on `main` with one commit: a README and an existing planner delta file.
    static func make(in dir: String, name: String = "agency", configureIdentity: Bool = true) async throws -> Repo {
        let r = Repo(root: dir + "/" + name)
        try FileManager.default.createDirectory(atPath: r.root + "/.claude/agents", withIntermediateDirectories: true)
        try "# Agency\n".write(toFile: r.root + "/README.md", atomically: true, encoding: .utf8)
        try "# planner delta\n\nEarlier learnings.\n".write(toFile: r.root + "/.claude/agents/planner-delta.md",
                                                            atomically: true, encoding: .utf8)
        try await r.git("init", "-q", "-b", "main")
        if configureIdentity {
            try await r.git("config", "user.name", "Test Person")
            try await r.git("config", "user.email", "test@example.com")
        }
        try await r.commit("initial")
        return r
    }

    func commit(_ message: String) async throws {
        try await git("add", "-A")
        try await git("-c", "user.name=Setup", "-c", "user.email=setup@example.com", "commit", "-q", "-m", message)
    }

    /// The branch the approval of proposal `id` made (`consciousness/proposal-<id>-<content>`).
    func branch(of id: Int64) async throws -> String {
        try await git("for-each-ref", "--format=%(refname:short)", "refs/heads/consciousness/proposal-\(id)-*")
    }

    /// Runs git here, isolated from the developer's own configuration.
    @discardableResult
    func git(_ args: String...) async throws -> String {
        let r = try await gitResult(args)
        guard r.status == 0 else { throw GitError(args: args, stderr: r.stderr) }
        return r.stdout.trimmingCharacters(in: .newlines)
    }

    func gitResult(_ args: [String], env extra: [String: String] = [:]) async throws -> Binary.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root] + args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in Repo.isolation.merging(extra, uniquingKeysWith: { $1 }) { e[k] = v }
        p.environment = e
        return try await Binary.capture(p)
    }

    /// No global or system git configuration; a known person behind the commands.
    static let isolation = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "USER": "tester", "SUDO_USER": ""]

    struct GitError: Error { var args: [String]; var stderr: String }

    func read(_ relative: String) async throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }
}

/// A store holding the proposals a test needs, as the cycles would have left them.
enum Proposals {
    static func proposal(_ agent: String, _ functions: [String] = ["create_planner_agent"], frequency: Int64 = 42) -> Proposal {
        // Evidence has no public initializer: made the way the store reads it back.
        let evidence = functions.map { f in
            let json: [String: Any] = ["pattern_id": "pattern_\(f)", "function": f, "frequency": frequency,
                                       "trend": "INCREASING", "articles": ["Article I", "Article II"]]
            return try! JSONDecoder().decode(Proposal.Evidence.self, from: JSONSerialization.data(withJSONObject: json))
        }
        return Proposal(agent: agent, confidence: 0.93, rationale: "\(frequency) violations of the \(agent) agent, trend INCREASING.",
                        evidence: evidence,
                        markdown: "### Constitutional learnings for the \(agent) agent\n\n- Load the whole context first.\n",
                        author: "template")
    }

    /// Stores `proposals` (one cycle) and returns their ids.
    @discardableResult
    static func store(_ proposals: [Proposal], in stateDir: String, cycle: Int64 = 1) async throws -> [Int64] {
        let store = try StateStore(directory: stateDir)
        return try store.upsertPending(proposals, cycle: cycle, at: 1_760_000_000_000_000).map(\.id)
    }
}

/// Every file and symlink under `dir` (but any `.git` directory) with its content or
/// its target: equal snapshots mean nothing there was written.
func snapshot(_ dir: String) async throws -> [String: String] {
    var out: [String: String] = [:]
    let fm = FileManager.default
    guard let walk = fm.enumerator(atPath: dir) else { return out }
    while let rel = walk.nextObject() as? String {
        if rel == ".git" || rel.hasSuffix("/.git") || rel.contains(".git/") { continue }
        let path = dir + "/" + rel
        let attrs = try fm.attributesOfItem(atPath: path)
        switch attrs[.type] as? FileAttributeType {
        case .typeSymbolicLink?: out[rel] = "link " + (try fm.destinationOfSymbolicLink(atPath: path))
        case .typeDirectory?: out[rel] = "dir"
        default:
            out[rel] = try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
        }
    }
    return out
}

/// Today's date as the approval heading writes it (UTC).
func todayUTC() -> String {
    let f = DateFormatter()
    f.timeZone = TimeZone(identifier: "UTC")
    f.locale = Locale(identifier: "en_US_POSIX")
    f.dateFormat = "yyyy-MM-dd"
    return f.string(from: Date())
}

extension Proposals {
    /// Overwrites a stored agent name with raw bytes, as a tampered or corrupted store
    /// would hold them (the store's own API cannot write a NUL: SQLite binds C strings).
    static func setAgentBytes(_ bytes: [UInt8], proposal id: Int64, in stateDir: String) async throws {
        let db = try DatabaseQueue(path: stateDir + "/consciousness.sqlite")
        try await db.write {
            try $0.execute(sql: "UPDATE proposals SET agent = CAST(? AS TEXT) WHERE id = ?", arguments: [Data(bytes), id])
        }
    }
}

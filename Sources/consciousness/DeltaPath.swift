import FeedbackLoop
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an approved proposal goes: `.claude/agents/<agent>-delta.md` under
/// AGENCY_ROOT. Agent names come from log data, and the stored one may have been
/// tampered with, so the name is checked again here and the directories on the way
/// must be real directories inside the repository.
struct DeltaPath {
    /// Relative to AGENCY_ROOT.
    let relative: String

    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    static let maxAgentLength = AgentName.maxLength

    /// `^[a-z0-9_-]{1,48}$`, on Unicode scalars: a look-alike letter (Cyrillic `а`,
    /// fullwidth `ａ`) is not an ASCII one.
    static func isValidAgent(_ name: String) -> Bool { AgentName.isValid(name) }

    init(agent: String, root: String) throws(Refusal) {
        guard Self.isValidAgent(agent) else {
            throw Refusal(description: "the stored agent name \(PrintableText.quoted(agent)) is not [a-z0-9_-]{1,48}: "
                          + "refusing to build a path from it (the state store may have been tampered with; reject the proposal)")
        }
        relative = ".claude/agents/\(agent)-delta.md"
        try Self.checkOnDisk(root: root, relative: relative)
    }

    /// Each of `.claude`, `.claude/agents` and the file is, when present, a real
    /// directory or file (not a symlink), and the agents directory resolves to itself
    /// under the resolved root.
    private static func checkOnDisk(root: String, relative: String) throws(Refusal) {
        let parts = relative.split(separator: "/").map(String.init)
        var path = root
        for (i, part) in parts.enumerated() {
            path += "/" + part
            var st = stat()
            guard lstat(path, &st) == 0 else { return }  // absent: the branch creates it
            let kind = st.st_mode & S_IFMT
            if kind == S_IFLNK {
                throw Refusal(description: "\(path) is a symbolic link: refusing to write a proposal through it "
                              + "(make it a plain \(i < parts.count - 1 ? "directory" : "file") in the repository)")
            }
            let wanted = i < parts.count - 1 ? S_IFDIR : S_IFREG
            if kind != wanted {
                throw Refusal(description: "\(path) is not a \(wanted == S_IFDIR ? "directory" : "regular file")")
            }
        }
        let agents = root + "/.claude/agents"
        if let resolvedRoot = realPath(root), let resolved = realPath(agents), resolved != resolvedRoot + "/.claude/agents" {
            throw Refusal(description: "\(agents) resolves to \(resolved), outside \(resolvedRoot)/.claude/agents")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}

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

    /// The name must be `^[a-z0-9_-]{1,48}$` on Unicode scalars: a look-alike letter
    /// (Cyrillic `а`, fullwidth `ａ`) is not an ASCII one.
    init(agent: String, root: String) throws(ApprovalError.Refusal) {
        guard AgentName.isValid(agent) else { throw .invalidAgentName(agent) }
        relative = ".claude/agents/\(agent)-delta.md"
        try Self.checkOnDisk(root: root, relative: relative)
    }

    /// Each of `.claude`, `.claude/agents` and the file is, when present, a real
    /// directory or file (not a symlink), and the agents directory resolves to itself
    /// under the resolved root.
    private static func checkOnDisk(root: String, relative: String) throws(ApprovalError.Refusal) {
        let parts = relative.split(separator: "/").map(String.init)
        var path = root
        for (i, part) in parts.enumerated() {
            path += "/" + part
            var st = stat()
            guard lstat(path, &st) == 0 else { return }  // absent: the branch creates it
            let kind = st.st_mode & S_IFMT
            let wanted: ApprovalError.FileKind = i < parts.count - 1 ? .directory : .regularFile
            if kind == S_IFLNK { throw .symbolicLink(path: path, shouldBe: wanted) }
            if kind != (wanted == .directory ? S_IFDIR : S_IFREG) { throw .wrongKind(path: path, shouldBe: wanted) }
        }
        let agents = root + "/.claude/agents"
        if let resolvedRoot = realPath(root), let resolved = realPath(agents), resolved != resolvedRoot + "/.claude/agents" {
            throw .outsideRepository(agents: agents, resolved: resolved, root: resolvedRoot)
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}

/// Which agent a function belongs to. Agent names end up in file names
/// (`.claude/agents/<agent>-delta.md`) and come from log data, so whatever is returned
/// is reduced to `[a-z0-9_-]`, at most 48 characters, never empty.
public enum AgentName {
    public static let maxLength = 48

    /// The original tool's keyword table first (so `create_mock_agent` is still the
    /// `test_infrastructure` agent), then `create_<name>_agent` → `<name>`, else
    /// `general`.
    public static func infer(fromFunction function: String) -> String {
        let f = function.lowercased()
        let keywords: [(String, String)] = [
            ("mock", "test_infrastructure"), ("planner", "planner"), ("code", "code_agent"),
            ("quality", "quality_enforcer"), ("learning", "learning"),
        ]
        if let hit = keywords.first(where: { f.contains($0.0) }) { return hit.1 }
        if f.hasPrefix("create_"), f.hasSuffix("_agent"), f.count > 13 {
            let name = sanitize(String(f.dropFirst(7).dropLast(6)))
            if name != "general" { return name }
        }
        return "general"
    }

    /// True for a name `sanitize` could have made: what a path may be built from.
    public static func isValid(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        return (1...maxLength).contains(scalars.count) && scalars.allSatisfy(isAllowed)
    }

    static func isAllowed(_ u: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(u) || ("0"..."9").contains(u) || u == "_" || u == "-"
    }

    /// Keeps ASCII letters, digits, `_` and `-`; anything else (path separators, dots,
    /// NUL, look-alike Unicode letters) becomes `_`. A result with no letter or digit
    /// is `general`.
    public static func sanitize(_ raw: String) -> String {
        var out = ""
        for u in raw.lowercased().unicodeScalars.prefix(maxLength) {
            if isAllowed(u) { out.unicodeScalars.append(u) } else { out.append("_") }
        }
        let hasAlnum = out.unicodeScalars.contains { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        return hasAlnum ? out : "general"
    }
}

/// Model names as Ollama compares them. A name without a tag means `:latest`, the
/// default registry and namespace may be spelled out or not, and names are
/// case-insensitive (Ollama: types/model/name.go, `ParseName` fills the defaults
/// "registry.ollama.ai", "library" and "latest"; `EqualFold` compares them). `/api/ps`
/// and `/api/tags` always answer `name:tag`, so `all-minilm` must match `all-minilm:latest`.
public enum ModelName {
    private static let defaultPrefixes = ["registry.ollama.ai/library/", "library/"]

    /// The short canonical spelling: lowercased, default host and namespace dropped,
    /// `:latest` added when no tag is given.
    public static func normalized(_ raw: String) -> String {
        var name = raw.lowercased()
        for prefix in defaultPrefixes where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        let lastSegment = name.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(name)
        if !lastSegment.contains(":") { name += ":latest" }
        return name
    }

    public static func same(_ a: String, _ b: String) -> Bool { normalized(a) == normalized(b) }
}

/// `OLLAMA_HOST` in Ollama's own syntax, so the value people already have in their
/// env files works here too (Ollama: envconfig/config.go, `Host` and `ConnectableHost`):
///
/// - no scheme means http; `127.0.0.1:11434`, `localhost`, `:11434`, `0.0.0.0:11434`,
///   `[::1]:11434` and `http://localhost:11434` are all valid;
/// - no port means 11434 without a scheme, 80 with `http://`, 443 with `https://`;
/// - an empty host means 127.0.0.1, and the unspecified bind addresses a server listens
///   on (0.0.0.0, ::) are connected to as their loopback (127.0.0.1, ::1).
///
/// Where Ollama logs "invalid port, using default" and goes on, this refuses: a daemon's
/// configuration is checked at start, and a typo must not silently pick another port.
public enum OllamaHost {
    public static let defaultPort = 11434

    /// The base URL a client connects to (`http://127.0.0.1:11434`), or nil with no
    /// usable host and port.
    public static func baseURL(_ raw: String) -> String? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        var scheme = "http", rest = Substring(s), port = defaultPort
        if let r = s.range(of: "://") {
            scheme = s[..<r.lowerBound].lowercased()
            rest = s[r.upperBound...]
            guard scheme == "http" || scheme == "https" else { return nil }
            port = scheme == "http" ? 80 : 443
        }
        if scheme != "http" || s.contains("://") {
            guard !rest.isEmpty, rest != "/" else { return nil }  // `http://` names no host at all
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { return nil }  // a path prefix is not supported
            rest = rest[..<slash]
        }
        guard let (host, explicitPort) = split(rest) else { return nil }
        if let p = explicitPort {
            // Digits only, as a person writes a port: no sign, no padding past five digits.
            guard (1...5).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(p),
                  (1...65_535).contains(n) else { return nil }
            port = n
        }
        let connectable = connectableHost(host)
        guard !connectable.isEmpty, connectable.utf8.count <= 253,
              connectable.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_:".contains($0)) }) else { return nil }
        let shown = connectable.contains(":") ? "[\(connectable)]" : connectable
        return "\(scheme)://\(shown):\(port)"
    }

    /// `host[:port]` or `[v6][:port]` (Go's net.SplitHostPort, plus a bare host or a
    /// bare IPv6 address).
    private static func split(_ a: Substring) -> (host: String, port: Substring?)? {
        if a.hasPrefix("[") {
            guard let close = a.firstIndex(of: "]") else { return nil }
            let host = String(a[a.index(after: a.startIndex)..<close])
            guard !host.isEmpty else { return nil }
            let after = a[a.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":"), after.count > 1 else { return nil }
            return (host, after.dropFirst())
        }
        let colons = a.filter { $0 == ":" }.count
        if colons > 1 { return (String(a), nil) }  // a bare IPv6 address
        if colons == 1 {
            let parts = a.split(separator: ":", omittingEmptySubsequences: false)
            guard !parts[1].isEmpty else { return nil }
            return (String(parts[0]), parts[1])
        }
        return (String(a), nil)
    }

    private static func connectableHost(_ host: String) -> String {
        switch host.lowercased() {
        case "", "0.0.0.0": "127.0.0.1"
        case "::", "0:0:0:0:0:0:0:0": "::1"
        default: host
        }
    }
}

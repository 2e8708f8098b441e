/// The `KEY=value` file systemd's `EnvironmentFile=` reads, parsed the same way: one
/// assignment per line, `#` or `;` comment lines, blank lines ignored, an optional
/// `export `, values optionally in single or double quotes.
public struct EnvFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public var entries: [Entry]

    public struct SyntaxError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var text: String
        public var description: String { "line \(line): '\(text)' is not KEY=value" }
    }

    public init(parsing text: String) throws(SyntaxError) {
        var out: [Entry] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).trimmingWhitespace() }
            guard let eq = line.firstIndex(of: "="), eq != line.startIndex else {
                throw SyntaxError(line: i + 1, text: String(raw))
            }
            let key = line[..<eq].trimmingWhitespace()
            guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw SyntaxError(line: i + 1, text: String(raw))
            }
            var value = line[line.index(after: eq)...].trimmingWhitespace()
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = value.dropFirst().dropLast()
            }
            out.append(Entry(key: String(key), value: String(value), line: i + 1))
        }
        entries = out
    }

    /// The last assignment of each key wins, as in systemd.
    public var values: [String: String] {
        var d: [String: String] = [:]
        for e in entries { d[e.key] = e.value }
        return d
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}

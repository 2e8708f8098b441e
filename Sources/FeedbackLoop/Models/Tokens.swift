import Foundation

/// The kinds of token a model invents: function names, file paths, numbers. Shared by
/// the draft and narrative checks.
enum Tokens {
    /// snake_case identifiers with at least one underscore (`create_planner_agent`).
    static func functions(in text: String) -> [String] {
        words(in: text, allowing: "_").filter { w in
            w.contains("_") && w.first?.isLetter == true && w.last != "_"
                && w.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        }
    }

    /// Paths and file names: a slash between names, or a name with a known extension.
    static func paths(in text: String) -> [String] {
        let extensions = ["py", "md", "swift", "json", "jsonl", "yaml", "yml", "ts", "js", "sh", "txt", "toml", "go", "rs"]
        return words(in: text, allowing: "_./-").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".-/")) }
            .filter { w in
                let parts = w.split(separator: "/")
                if parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.contains(where: \.isLetter) }) { return true }
                if let dot = w.lastIndex(of: "."), extensions.contains(String(w[w.index(after: dot)...]).lowercased()),
                   w[..<dot].contains(where: \.isLetter) { return true }
                return false
            }
    }

    /// Numbers as written (`12`, `3.5`, `1,200` → `1200`), ignoring those inside words
    /// (`v2`, `e5`, a hex id like `id-3f2a`).
    static func numbers(in text: String) -> [String] {
        let chars = Array(text)
        var out: [String] = []
        var i = 0
        while i < chars.count {
            guard chars[i].isNumber else { i += 1; continue }
            var j = i
            while j < chars.count, chars[j].isNumber || ((chars[j] == "." || chars[j] == ",") && j + 1 < chars.count && chars[j + 1].isNumber) {
                j += 1
            }
            let before = i > 0 ? chars[i - 1] : " ", after = j < chars.count ? chars[j] : " "
            let inWord = before.isLetter || before == "_" || after.isLetter || after == "_"
            if !inWord { out.append(String(chars[i..<j]).replacingOccurrences(of: ",", with: "")) }
            i = j
        }
        return out
    }

    /// The text without `Article 2` numbers (an article cited by its number is cited,
    /// not invented).
    static func withoutArticleNumbers(_ text: String) -> String {
        var out = "", rest = Substring(text)
        while let r = rest.range(of: "Article ") {
            out += rest[..<r.upperBound]
            rest = rest[r.upperBound...].drop { $0.isNumber }
        }
        return out + rest
    }

    /// The text with ordered-list markers (`1. `) and heading levels removed.
    static func withoutListNumbers(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let t = line.drop { $0 == " " }
            let digits = t.prefix { $0.isNumber }
            if !digits.isEmpty, t.dropFirst(digits.count).hasPrefix(". ") { return String(t.dropFirst(digits.count + 2)) }
            return String(line)
        }.joined(separator: "\n")
    }

    private static func words(in text: String, allowing extra: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || extra.contains($0)) }.map(String.init)
    }
}

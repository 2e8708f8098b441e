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

    /// Paths and file names: a name with a file extension, or a path of three parts or
    /// more, or one rooted (`/`, `./`, `~/`). `and/or`, `CI/CD` are not paths.
    static func paths(in text: String) -> [String] {
        let extensions: Set<String> = ["py", "md", "swift", "json", "jsonl", "yaml", "yml", "ts", "tsx", "js", "jsx", "sh",
                                       "txt", "toml", "go", "rs", "log", "csv", "c", "h", "cc", "cpp", "java", "kt", "rb",
                                       "ini", "cfg", "conf", "html", "css", "sql", "env", "xml", "lock", "ipynb", "db"]
        return text.split { !($0.isLetter || $0.isNumber || "_./-~".contains($0)) }.map(String.init)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".-")) }
            .filter { w in
                let parts = w.split(separator: "/", omittingEmptySubsequences: false)
                if w.hasPrefix("/") || w.hasPrefix("./") || w.hasPrefix("~/") { return parts.count >= 2 && w.count > 2 }
                if parts.count >= 3, parts.allSatisfy({ !$0.isEmpty }) { return true }
                if let dot = w.lastIndex(of: "."), extensions.contains(String(w[w.index(after: dot)...]).lowercased()),
                   w[..<dot].contains(where: \.isLetter) { return true }
                return false
            }
    }

    /// `Article II` and `Article 2` as the article each names (`Article II`).
    static func articles(in text: String) -> [String] {
        let numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        var out: [String] = [], rest = Substring(text)
        while let r = rest.range(of: "Article ") {
            let tail = rest[r.upperBound...]
            let roman = tail.prefix { "IVX".contains($0) }
            let digits = tail.prefix { $0.isNumber }
            if !roman.isEmpty, tail.dropFirst(roman.count).first.map({ !$0.isLetter }) ?? true {
                out.append("Article " + roman)
            } else if let n = Int(digits), n >= 1 {
                out.append(n <= numerals.count ? "Article " + numerals[n - 1] : "Article \(n)")
            }
            rest = tail
        }
        return out
    }

    /// `needle` in `text` with no letter, digit or underscore touching either end.
    static func containsWord(_ text: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return false }
        var rest = Substring(text)
        while let r = rest.range(of: needle) {
            let before = r.lowerBound > rest.startIndex ? rest[rest.index(before: r.lowerBound)] : " "
            let after = r.upperBound < rest.endIndex ? rest[r.upperBound] : " "
            let edge: (Character) -> Bool = { !($0.isLetter || $0.isNumber || $0 == "_") }
            if edge(before), edge(after) { return true }
            rest = rest[r.upperBound...]
        }
        return false
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
            // A number after a letter is part of a name (`v2`, `e5`); one before letters
            // is a quantity with its unit (`5x`, `30s`, `500ms`) and counts.
            let before = i > 0 ? chars[i - 1] : " "
            let inWord = before.isLetter || before == "_"
            if !inWord { out.append(String(chars[i..<j]).replacingOccurrences(of: ",", with: "")) }
            i = j
        }
        return out
    }

    /// The text without the numbers of `Article 2`-style citations: an article is
    /// checked as an article (`articles(in:)`), not as a number.
    static func withoutArticles(_ text: String) -> String {
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

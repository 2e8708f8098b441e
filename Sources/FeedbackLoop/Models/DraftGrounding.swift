/// Whether a Builder draft is grounded in its evidence, check by check. A draft replaces
/// the template only when every check passes; otherwise the template stands and the
/// report and `proposals show` name the check that failed.
///
/// What small models get wrong, and what is checked for it: an answer wrapped in a code
/// fence, a heading and list missing, word salad that names nothing (the agent, a
/// pattern, an article, the violation text), invented functions, file paths and numbers
/// (anything the prompt did not hold), and a draft that only restates the template.
public enum DraftGrounding {
    public enum Check: String, Sendable, CaseIterable, Codable {
        case format
        case namesAgent = "names_agent"
        case citesPattern = "cites_pattern"
        case citesSignature = "cites_signature"
        case noInventedFunction = "no_invented_function"
        case noInventedPath = "no_invented_path"
        case noInventedNumber = "no_invented_number"
        case addsToTemplate = "adds_to_template"

        /// What the check asks, for `proposals show`.
        public var question: String {
            switch self {
            case .format: "a level-3 heading and a list; no code fence, no repeated line, no talk to the reader"
            case .namesAgent: "names its agent"
            case .citesPattern: "cites one of the agent's patterns (its function) and an article"
            case .citesSignature: "quotes violation text from the evidence"
            case .noInventedFunction: "names no function the evidence does not hold"
            case .noInventedPath: "names no file path the evidence does not hold"
            case .noInventedNumber: "states no number the evidence does not hold"
            case .addsToTemplate: "adds a rule the template does not have, specific to the evidence"
            }
        }
    }

    /// What the draft may draw on: everything the Builder was shown.
    public struct Evidence: Sendable, Equatable {
        public var agent: String
        public var functions: [String]
        public var articles: [String]
        public var signatures: [String]
        public var template: String
        /// The prompt, as sent: numbers, paths and names in it are not inventions.
        public var prompt: String

        public init(agent: String, functions: [String], articles: [String], signatures: [String],
                    template: String, prompt: String) {
            self.agent = agent
            self.functions = functions
            self.articles = articles
            self.signatures = signatures
            self.template = template
            self.prompt = prompt
        }
    }

    /// A failed check and what exactly failed it.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var check: Check
        public var detail: String
        public var description: String { "\(check.rawValue): \(detail)" }
    }

    /// Every failed check, in `Check` order; empty when the draft is grounded.
    public static func failures(_ draft: String, _ e: Evidence) -> [Failure] {
        let text = draft.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = text.lowercased()
        var out: [Failure] = []
        func fail(_ c: Check, _ d: String) { out.append(Failure(check: c, detail: d)) }
        if let f = formatProblem(text) { fail(.format, f) }
        if !mentions(lower, e.agent) { fail(.namesAgent, "the agent \(e.agent) is not named") }
        let function = e.functions.contains { Tokens.containsWord(lower, $0.lowercased()) }
        let article = e.articles.isEmpty || e.articles.contains { mentionsArticle(text, $0) }
        // An article the draft itself cites (not one inside a quote of the violation).
        let unquoted = text.split(separator: "\n").map { ProposalDraft.removingCodeSpans(String($0)) }.joined(separator: "\n")
        let foreign = Tokens.articles(in: unquoted).first { !e.articles.contains($0) }
        if !function || !article || foreign != nil {
            fail(.citesPattern, !function ? "none of the agent's functions (\(e.functions.joined(separator: ", "))) is cited"
                 : foreign.map { "\($0) is not an article of the evidence" }
                 ?? "no article of the evidence (\(e.articles.joined(separator: ", "))) is cited")
        }
        let quotable = Self.quotable(e.signatures)
        if !quotable.isEmpty, !quotable.contains(where: { quotes(lower, $0) }) {
            fail(.citesSignature, "no violation text of the evidence is quoted")
        }
        let held = (e.prompt + "\n" + e.template).lowercased()
        if let f = Tokens.functions(in: text).first(where: { !held.contains($0.lowercased()) }) {
            fail(.noInventedFunction, "`\(f)` is not in the evidence")
        }
        if let p = Tokens.paths(in: text).first(where: { !held.contains($0.lowercased()) }) {
            fail(.noInventedPath, "`\(p)` is not in the evidence")
        }
        let numbers = Set(Tokens.numbers(in: held))
        if let n = Tokens.numbers(in: Tokens.withoutArticles(Tokens.withoutListNumbers(text))).first(where: { !numbers.contains($0) }) {
            fail(.noInventedNumber, "\(n) is not in the evidence")
        }
        if let f = addsNothing(text, e) { fail(.addsToTemplate, f) }
        return out
    }

    static func formatProblem(_ text: String) -> String? {
        if text.hasPrefix("```") || text.hasSuffix("```") { return "the answer is wrapped in a code fence" }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first, first.hasPrefix("### ") else { return "it does not start with a level-3 heading" }
        guard lines.contains(where: isListItem) else { return "it has no list of rules" }
        var seen = Set<String>()
        if let again = lines.first(where: { !$0.isEmpty && !seen.insert($0).inserted }) {
            return "the line “\(again.prefix(60))” is repeated"
        }
        if let chat = lines.first(where: { l in chatter.contains { l.lowercased().hasPrefix($0) } }) {
            return "it talks to the reader (“\(chat.prefix(40))”)"
        }
        return nil
    }

    /// How a chat model opens or closes around the answer, never part of a delta file.
    static let chatter = ["here is", "here's", "sure", "certainly", "i hope", "let me know", "as an ai", "feel free",
                          "i have", "i've", "note:"]

    static func isListItem(_ line: String) -> Bool {
        line.hasPrefix("- ") || line.hasPrefix("* ") || (line.first?.isNumber == true && line.contains(". "))
    }

    /// `planner` as a word (not inside `planners`), `test_infrastructure` also as
    /// `test infrastructure`.
    static func mentions(_ lower: String, _ name: String) -> Bool {
        let n = name.lowercased()
        return Tokens.containsWord(lower, n) || Tokens.containsWord(lower, n.replacingOccurrences(of: "_", with: " "))
    }

    /// `Article II` cited as written, or as `Article 2` (`Article II` is not `Article I`).
    static func mentionsArticle(_ text: String, _ article: String) -> Bool {
        Tokens.articles(in: text).contains(article)
    }

    /// Three consecutive words of a signature's message (after its `Article II
    /// violated:` prefix, placeholders aside) in the draft; all of them when it has fewer.
    static func quotes(_ lower: String, _ signature: String) -> Bool {
        let message = signature.range(of: ": ").map { String(signature[$0.upperBound...]) } ?? signature
        let words = Self.words(message.lowercased())
        let flat = " " + Self.words(lower).joined(separator: " ") + " "
        guard words.count >= 3 else { return flat.contains(" " + words.joined(separator: " ") + " ") }
        return (0...(words.count - 3)).contains { flat.contains(" " + words[$0..<($0 + 3)].joined(separator: " ") + " ") }
    }

    /// Words for quoting, the same on both sides: letters and apostrophes.
    static func words(_ text: String) -> [String] {
        text.split { !$0.isLetter && $0 != "'" }.map(String.init)
    }

    /// Signatures with words to quote (a message of numbers alone has none).
    static func quotable(_ signatures: [String]) -> [String] {
        signatures.filter { s in !words(s.range(of: ": ").map { String(s[$0.upperBound...]) } ?? s).isEmpty }
    }

    /// A list item the template does not have, naming a function or quoting the evidence.
    static func addsNothing(_ text: String, _ e: Evidence) -> String? {
        let template = Set(e.template.split(separator: "\n").map(normalized))
        let new = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter(isListItem).filter { !template.contains(normalized(Substring($0))) }
        guard !new.isEmpty else { return "every rule is the template's" }
        let specific = new.contains { line in
            let l = line.lowercased()
            return e.functions.contains { Tokens.containsWord(l, $0.lowercased()) } || Self.quotable(e.signatures).contains { quotes(l, $0) }
        }
        return specific ? nil : "no new rule names a function or quotes the violations"
    }

    static func normalized(_ line: Substring) -> String {
        line.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " }.trimmingCharacters(in: .whitespaces)
    }
}

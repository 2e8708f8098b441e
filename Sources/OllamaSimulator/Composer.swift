import Foundation

/// Answers built from the prompt, as a small instruction model answers: a Builder prompt
/// gets a draft that names its agent, cites the evidence's function, article and
/// violation text, and adds a rule; an Architect prompt gets a ranking and a summary
/// made only of the figures the prompt gave. So demos read right, and the client's
/// checks pass on good answers and fail on the faults (`Fault.isContent`) for the
/// reasons real models give them.
///
/// The prompts are this project's own (`ProposalDraft.prompt`, `NightPlan.prompt`); a
/// prompt that is neither gets the seeded word answers of `Answers`.
enum Composer {
    /// What the Builder was told about one pattern.
    struct Evidence: Equatable {
        var function: String
        var article: String?
        var fix: String
        var signature: String?
    }

    /// `Agent: X` and the `Evidence:` lines of a Builder prompt, nil for another prompt.
    static func builderPrompt(_ prompt: String) -> (agent: String, evidence: [Evidence])? {
        let lines = prompt.split(separator: "\n").map(String.init)
        guard let agentLine = lines.first(where: { $0.hasPrefix("Agent: ") }), lines.contains("Evidence:") else { return nil }
        var evidence: [Evidence] = []
        for line in lines {
            // `- <function>: <n> violations, …`: the function is whatever precedes the count,
            // spaces and colons included (it is log data).
            if line.hasPrefix("- "), let count = line.range(of: " violations"),
               let colon = line[..<count.lowerBound].range(of: ": ", options: .backwards) {
                let function = String(line[line.index(line.startIndex, offsetBy: 2)..<colon.lowerBound])
                let rest = String(line[colon.upperBound...])
                let article = Self.article(in: rest)
                let fix = rest.range(of: "suggested fix: ").map { String(rest[$0.upperBound...]) } ?? ""
                evidence.append(Evidence(function: function, article: article, fix: fix, signature: nil))
            } else if line.hasPrefix("  <"), let text = fenced(line), !evidence.isEmpty, evidence[evidence.count - 1].signature == nil {
                evidence[evidence.count - 1].signature = text
            }
        }
        return evidence.isEmpty ? nil : (String(agentLine.dropFirst(7)), evidence)
    }

    /// The text inside a line's `<violation-text …>…</violation-text>` (the closing tag
    /// looked for after the opening one: the prompt defuses `<` and `>` in the text, but
    /// a request is anyone's).
    static func fenced<S: StringProtocol>(_ line: S) -> String? {
        guard let open = line.firstIndex(of: ">") else { return nil }
        let inside = line[line.index(after: open)...]
        guard let close = inside.range(of: "</", options: .backwards) else { return nil }
        return String(inside[..<close.lowerBound])
    }

    /// The first `Article <numeral>` in a line.
    static func article(in text: String) -> String? {
        guard let r = text.range(of: "Article ") else { return nil }
        let numeral = text[r.upperBound...].prefix { "IVX".contains($0) }
        return numeral.isEmpty ? nil : "Article " + numeral
    }

    /// A grounded draft for a Builder prompt.
    static func draft(agent: String, evidence: [Evidence]) -> String {
        var lines = ["### Constitutional learnings for the \(agent) agent", ""]
        for e in evidence.prefix(3) {
            let article = e.article.map { " (\($0))" } ?? ""
            if let quote = e.signature.map(quoted), !quote.isEmpty {
                lines.append("- When `\(e.function)` reports `\(quote)`, stop and resolve it before the next step\(article).")
            }
            // Patterns of one kind share a fix: said once.
            let fix = "- \(e.fix.prefix(1).uppercased() + e.fix.dropFirst())"
            if !e.fix.isEmpty, !lines.contains(fix) { lines.append(fix) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The words of a violation after its article prefix, six at most: what a model
    /// quotes. `Article II violated: No test infrastructure found (…)` → `No test infrastructure found (…`.
    static func quoted(_ signature: String) -> String {
        let body = signature.range(of: ": ").map { String(signature[$0.upperBound...]) } ?? signature
        // Up to the first bracket or comma, six words at most: a phrase, not a fragment.
        let phrase = body.prefix { !"(,;".contains($0) }.trimmingCharacters(in: .whitespaces)
        return phrase.split(separator: " ").prefix(6).joined(separator: " ").replacingOccurrences(of: "`", with: "'")
    }

    /// One pending proposal as the Architect is told of it.
    struct Pending: Equatable {
        var id: Int
        var agent: String
        var confidence: Int
        var about: String
    }

    /// The `Pending proposals:` lines of an Architect prompt, nil for another prompt.
    static func architectPrompt(_ prompt: String) -> [Pending]? {
        guard prompt.contains("Pending proposals:") else { return nil }
        return prompt.split(separator: "\n").compactMap { line -> Pending? in
            // `- id 3, agent planner, confidence 84%: <violation-text id="3">…</violation-text>`,
            // each part looked for after the one before it.
            guard line.hasPrefix("- id "), let comma = line.firstIndex(of: ","),
                  let id = Int(line[line.index(line.startIndex, offsetBy: 5)..<comma]),
                  let agentStart = line[comma...].range(of: "agent "),
                  let agentEnd = line[agentStart.upperBound...].range(of: ", confidence "),
                  let percent = line[agentEnd.upperBound...].range(of: "%: ") else { return nil }
            let confidence = Int(line[agentEnd.upperBound..<percent.lowerBound]) ?? 0
            return Pending(id: id, agent: String(line[agentStart.upperBound..<agentEnd.lowerBound]), confidence: confidence,
                           about: fenced(line[percent.upperBound...]) ?? "")
        }
    }

    /// A plan: the proposals by confidence (the prompt's order among equals), and a
    /// summary that states only what the prompt stated.
    static func plan(_ pending: [Pending]) -> (ranking: [Int], summary: String) {
        let ranked = pending.enumerated().sorted { ($0.element.confidence, -$0.offset) > ($1.element.confidence, -$1.offset) }.map(\.element)
        guard let first = ranked.first else { return ([], "No proposal is waiting for review.") }
        var summary = "\(pending.count) proposal\(pending.count == 1 ? " is" : "s are") waiting for review. "
            + "Start with #\(first.id) for the \(first.agent) agent (confidence \(first.confidence)%)"
        summary += first.about.isEmpty ? "." : ": \(first.about)."
        if ranked.count > 1 { summary += " Then #\(ranked[1].id) for the \(ranked[1].agent) agent." }
        return (ranked.map(\.id), summary)
    }
}

extension AnswerFormat {
    /// A JSON-schema `format`: Ollama turns it into a grammar the output must follow,
    /// so no code fence can wrap it.
    var isSchema: Bool {
        if case .schema = self { return true }
        return false
    }
}

extension Composer {
    /// The answer's text and its done_reason: composed from the prompt where it is one of
    /// the project's, the seeded words otherwise, then spoiled as `fault` says.
    static func answer(prompt: String, seed: String, format: AnswerFormat, fault: Fault?) -> (String, String) {
        let builder = builderPrompt(prompt), architect = architectPrompt(prompt)
        var text: String
        if fault == .salad {
            text = Answers.content(seed: seed, format: format)
        } else if let b = builder {
            text = draft(agent: b.agent, evidence: fault == .wrongIDs ? b.evidence.map(renamed) : b.evidence)
            if fault == .sloppy, let e = b.evidence.first { text += invented(e, prompt) }
        } else if let pending = architect, case .schema = format {
            let (ranking, plain) = plan(pending)
            var summary = plain
            // The schema's enum keeps the ranking to pending ids (Ollama's format grammar,
            // llama/sampling: a schema becomes a grammar the tokens must follow); the
            // summary is free text, where a wrong id can still be written.
            if fault == .wrongIDs { summary = "Start with #\((pending.map(\.id).max() ?? 0) + 1000). " + summary }
            if fault == .sloppy { summary += " About \(farNumber(prompt)) more violations are expected tomorrow." }
            text = JSONValue.object(["ranking": .array(ranking.map { .number(Double($0)) }), "summary": .string(summary)]).rendered()
        } else {
            text = Answers.content(seed: seed, format: format)
        }
        switch fault {
        case .fenced? where !format.isSchema:
            let language = text.hasPrefix("{") ? "json" : "markdown"
            return ("```\(language)\n\(text.hasSuffix("\n") ? text : text + "\n")```\n", "stop")
        case .truncated?:
            // Cut at 60%, inside a word: the token limit falls where it falls.
            let cut = text.index(text.startIndex, offsetBy: max(1, text.count * 3 / 5))
            return (String(text[..<cut]), "length")
        default:
            return (text, "stop")
        }
    }

    /// A function the evidence does not hold, in place of the real one.
    static func renamed(_ e: Evidence) -> Evidence {
        var e = e
        e.function = e.function.replacingOccurrences(of: "_agent", with: "") + "_v2_worker"
        return e
    }

    /// A rule with an invented number and path, as a sloppy model adds one.
    static func invented(_ e: Evidence, _ prompt: String) -> String {
        let article = e.article.map { " (\($0))" } ?? ""
        return "- Retry `\(e.function)` at most \(unheardNumber(prompt)) times and log each attempt to "
            + "`src/agents/retries.py`\(article).\n"
    }

    /// A number far above any the prompt holds (three times the largest, and 7): no
    /// figure of the night it could be a rounding of.
    static func farNumber(_ prompt: String) -> Int {
        let numbers = prompt.split { !$0.isNumber }.compactMap { Int($0) }.filter { $0 < 1_000_000 }
        return (numbers.max() ?? 0) * 3 + 7
    }

    /// The smallest number from 17 up that the prompt does not contain.
    static func unheardNumber(_ prompt: String) -> Int {
        var n = 17
        while prompt.contains(String(n)) { n += 1 }
        return n
    }
}

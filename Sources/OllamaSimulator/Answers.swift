/// What the model "says": deterministic text derived from a hash of the request, so the same
/// request always gets the same answer and tests can compare runs.
enum Answers {
    private static let words = [
        "the", "model", "returns", "a", "concise", "answer", "about", "memory", "cache", "tokens",
        "context", "stream", "loop", "function", "value", "result", "simulated", "deterministic",
        "request", "response", "server", "client", "buffer", "layer", "budget", "swift", "actor",
        "task", "queue", "signal", "forecast", "rate", "window", "proposal", "cycle", "evidence",
        "gradient", "latency", "weights", "load", "unload", "governor", "resident", "quietly",
        "carefully", "always", "rarely", "within", "across", "under", "before", "after", "and",
        "with", "for", "each", "every", "small", "stable", "local", "shared", "bounded", "fresh",
    ]

    /// The whole content for a request, in the requested format.
    static func content(seed: String, format: AnswerFormat) -> String {
        var generator = SplitMix64(text: seed)
        switch format {
        case .text:
            return prose(&generator)
        case .markdown:
            let items = (0..<generator.inRange(2...4)).map { _ in "- " + sentence(&generator, wordCount: 5...12) }
            return "### " + sentence(&generator, wordCount: 3...6) + "\n\n" + items.joined(separator: "\n") + "\n"
        case .json:
            let object: JSONValue = .object([
                "answer": .string(sentence(&generator, wordCount: 5...10)),
                "confidence": .number(Double(generator.inRange(50...99)) / 100),
            ])
            return object.rendered()
        case .schema(let schema):
            var answerer = SchemaAnswerer(root: schema, generator: generator)
            return answerer.value(for: schema).rendered()
        }
    }

    /// Two to four sentences.
    static func prose(_ generator: inout SplitMix64) -> String {
        (0..<generator.inRange(2...4))
            .map { _ in sentence(&generator, wordCount: 5...12) }
            .joined(separator: " ")
    }

    /// Capitalised, ending with a full stop.
    static func sentence(_ generator: inout SplitMix64, wordCount: ClosedRange<Int>) -> String {
        let picked = (0..<generator.inRange(wordCount)).map { _ in words[generator.below(words.count)] }
        let text = picked.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    /// The simulator's "tokenizer": whitespace-separated words, at least one.
    static func tokenCount(_ text: String) -> Int {
        max(1, text.split(whereSeparator: \.isWhitespace).count)
    }

    /// Splits content into streaming pieces of a few words each; the pieces concatenate back
    /// to exactly `text`, whitespace included, like an LLM's token stream.
    static func pieces(of text: String, wordsPerPiece: Int = 3) -> [String] {
        var pieces: [String] = []
        var current = ""
        var wordsInCurrent = 0
        var previousWasSpace = true
        for character in text {
            let isSpace = character.isWhitespace
            if !isSpace && previousWasSpace {
                if wordsInCurrent == wordsPerPiece {
                    pieces.append(current)
                    current = ""
                    wordsInCurrent = 0
                }
                wordsInCurrent += 1
            }
            current.append(character)
            previousWasSpace = isSpace
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append(current) }
        return pieces
    }
}

/// The `format` field of generate and chat.
enum AnswerFormat: Sendable {
    case text
    /// Free text for a prompt that asks for Markdown: a heading and a list, as a model would.
    case markdown
    /// `"format": "json"`: any JSON object.
    case json
    /// `"format": {JSON schema}`: content must conform to it.
    case schema(JSONValue)

    init(_ format: JSONValue?) throws {
        switch format {
        case nil, .null, .string(""):
            self = .text
        case .string("json"):
            self = .json
        case .object(let members) where !members.isEmpty:
            self = .schema(.object(members))
        default:
            throw HTTPError(.badRequest, "invalid format: expected \"json\" or a JSON schema")
        }
    }

    /// Part of the answer's seed, so a different schema gets a different answer.
    var seedComponent: String {
        switch self {
        case .text: return "text"
        case .markdown: return "markdown"
        case .json: return "json"
        case .schema(let schema): return schema.rendered()
        }
    }
}

/// Builds a JSON value that conforms to a (practical subset of) JSON Schema, choosing
/// enum members and numbers from a seeded generator so the answer is deterministic.
struct SchemaAnswerer {
    let root: JSONValue
    var generator: SplitMix64

    /// Deep or self-referencing schemas end in null rather than recursing forever.
    private static let maxDepth = 12

    mutating func value(for schema: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < Self.maxDepth else { return .null }
        guard case .object = schema else { return .string(Answers.sentence(&generator, wordCount: 3...6)) }
        if let reference = schema["$ref"]?.stringValue {
            return value(for: resolve(reference) ?? .object([:]), depth: depth + 1)
        }
        if let constant = schema["const"] { return constant }
        if let choices = schema["enum"]?.arrayValue, !choices.isEmpty {
            return choices[generator.below(choices.count)]
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            if let options = schema[combinator]?.arrayValue,
               let option = options.first(where: { $0["type"]?.stringValue != "null" }) ?? options.first {
                return value(for: option, depth: depth + 1)
            }
        }
        switch Self.type(of: schema) {
        case "object": return object(for: schema, depth: depth)
        case "array": return array(for: schema, depth: depth)
        case "integer": return .number(Double(integer(for: schema)))
        case "number": return .number(number(for: schema))
        case "boolean": return .bool(true)
        case "null": return .null
        default: return .string(string(for: schema))
        }
    }

    /// The declared type (the first non-null one of a type list), or one inferred from keywords.
    private static func type(of schema: JSONValue) -> String {
        if let single = schema["type"]?.stringValue { return single }
        if let list = schema["type"]?.arrayValue?.compactMap(\.stringValue),
           let first = list.first(where: { $0 != "null" }) ?? list.first { return first }
        if schema["properties"] != nil { return "object" }
        if schema["items"] != nil { return "array" }
        return "string"
    }

    /// Every declared property (required or not) gets a value: that always conforms.
    private mutating func object(for schema: JSONValue, depth: Int) -> JSONValue {
        guard case .object(let properties)? = schema["properties"] else { return .object([:]) }
        var members: [String: JSONValue] = [:]
        for key in properties.keys.sorted() {
            members[key] = value(for: properties[key, default: .null], depth: depth + 1)
        }
        return .object(members)
    }

    private mutating func array(for schema: JSONValue, depth: Int) -> JSONValue {
        let minimum = max(0, schema["minItems"]?.intValue ?? 1)
        let maximum = max(minimum, schema["maxItems"]?.intValue ?? max(minimum, 3))
        let count = min(max(minimum, 2), maximum, 64)
        let items = schema["items"] ?? .object(["type": .string("string")])
        return .array((0..<count).map { _ in value(for: items, depth: depth + 1) })
    }

    private mutating func integer(for schema: JSONValue) -> Int {
        let low = schema["minimum"]?.numberValue.map { Self.boundedInt($0.rounded(.up)) } ?? 0
        let high = schema["maximum"]?.numberValue.map { Self.boundedInt($0.rounded(.down)) } ?? (low + 100)
        guard high > low else { return low }
        return low + generator.below(min(high - low, 1_000_000) + 1)
    }

    /// Schema bounds come from the request: keep them where Int arithmetic cannot trap.
    private static func boundedInt(_ value: Double) -> Int {
        Int(min(1e12, max(-1e12, value)))
    }

    private mutating func number(for schema: JSONValue) -> Double {
        let low = schema["minimum"]?.numberValue ?? 0
        let high = schema["maximum"]?.numberValue ?? (low + 1)
        guard high > low else { return low }
        let value = low + (high - low) * generator.fraction()
        return min(high, max(low, (value * 100).rounded() / 100))
    }

    private mutating func string(for schema: JSONValue) -> String {
        switch schema["format"]?.stringValue {
        case "date-time": return "2025-01-15T09:30:00Z"
        case "date": return "2025-01-15"
        case "email": return "sim@example.com"
        case "uri", "url": return "https://example.com/sim"
        default: break
        }
        var text = Answers.sentence(&generator, wordCount: 3...8)
        if let maxLength = schema["maxLength"]?.intValue, maxLength >= 0, text.count > maxLength {
            text = String(text.prefix(maxLength))
        }
        if let minLength = schema["minLength"]?.intValue, minLength > text.count {
            text += String(repeating: "x", count: min(minLength, 10_000) - text.count)
        }
        return text
    }

    /// Local references only ("#/$defs/Name", "#/definitions/Name", any "#/a/b" path).
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node: JSONValue? = root
        for component in reference.dropFirst().split(separator: "/") {
            let key = component.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }
}

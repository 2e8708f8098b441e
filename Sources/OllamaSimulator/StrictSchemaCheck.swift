/// What a hosted OpenAI API checks in a `json_schema` response format with
/// `strict: true` before it generates anything, answering 400 `invalid_request_error`
/// ("Invalid schema for response_format 'NAME': …"): every object with properties sets
/// `additionalProperties: false` and requires every property
/// (platform.openai.com/docs/guides/structured-outputs, "Supported schemas"). Ollama
/// checks none of this (openai/openai.go `FromChatRequest` passes the schema on as
/// `format`), so the simulator applies it in hosted mode only.
enum StrictSchemaCheck {
    static func problem(_ schema: JSONValue, at path: String = "schema") -> String? {
        guard case .object(let fields) = schema else { return nil }
        if case .object(let properties)? = fields["properties"] {
            guard fields["additionalProperties"] == .bool(false) else {
                return "In context=(\(path)), 'additionalProperties' is required to be supplied and to be false."
            }
            let required = Set((fields["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            if let missing = properties.keys.sorted().first(where: { !required.contains($0) }) {
                return "In context=(\(path)), 'required' is required to be supplied and to be an array including every key in properties. Missing '\(missing)'."
            }
            for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
                if let p = problem(value, at: "\(path), properties, \(key)") { return p }
            }
        }
        return fields["items"].flatMap { problem($0, at: "\(path), items") }
    }
}

/// A JSON schema as strict structured outputs accept it
/// (platform.openai.com/docs/guides/structured-outputs, "Supported schemas"): every
/// object sets `additionalProperties: false` and lists all its properties as required.
/// String lengths are dropped too: OpenAI's strict mode took only `pattern` and `format`
/// for strings when it shipped, and other OpenAI-compatible servers and fine-tuned models
/// still refuse `minLength`/`maxLength` with a 400 before anything is generated. Ollama's
/// own grammar takes the schema as it is; for the API the limits are enforced where they
/// always are, by the answer's own checks (`NightPlan.validate`).
public enum StrictSchema {
    static let unsupported: Set<String> = ["minLength", "maxLength"]

    public static func make(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .object(let fields):
            var out = fields.filter { !unsupported.contains($0.key) }.mapValues(make)
            if case .object(let properties)? = fields["properties"] {
                out["properties"] = .object(properties.mapValues(make))
                out["required"] = .array(properties.keys.sorted().map { .string($0) })
                out["additionalProperties"] = .bool(false)
            }
            return .object(out)
        case .array(let items): return .array(items.map(make))
        default: return schema
        }
    }
}

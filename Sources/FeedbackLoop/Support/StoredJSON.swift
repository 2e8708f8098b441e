/// JSON for the state store's columns (evidence, tags, recalled entries, checks,
/// forecast inputs): what Foundation's `JSONEncoder` writes with `.sortedKeys` and its
/// defaults otherwise — keys as declared, "/" escaped, a non-finite number refused —
/// written by the report's encoder.
///
/// Foundation's encoder costs ~2 ms the first time a process uses it: its generic
/// containers are made at run time, each proven against every conformance record of
/// the binary. A one-shot `cycle` used it for a few dozen small documents.
public enum StoredJSON {
    public static func encode(_ value: some Encodable) throws -> String {
        try JSONTextEncoder.encode(value, style: .stored)
    }
}

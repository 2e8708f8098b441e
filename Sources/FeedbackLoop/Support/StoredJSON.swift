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

    /// A list of strings (memory tags), written directly: the same text as through the
    /// `Encodable` path, without its containers and casts — the encoder made a few dozen
    /// of these and of the evidence below a one-shot cycle, ~1 ms in `perf`.
    public static func strings(_ strings: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, s) in strings.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONTextEncoder.appendString(s, into: &out, .stored)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Numbers by name (memory evidence), written directly, keys sorted by their UTF-8
    /// bytes; nil for a non-finite number, which the `Encodable` path refuses.
    public static func numbers(_ numbers: [String: Double]) -> String? {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in numbers.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            let v = numbers[key]!
            guard v.isFinite else { return nil }
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONTextEncoder.appendString(key, into: &out, .stored)
            out.append(UInt8(ascii: ":"))
            out += JSONTextEncoder.finiteText(v).utf8
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

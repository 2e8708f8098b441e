/// The JSON encoder of the report and of the store's columns, byte for byte what
/// Foundation's `JSONEncoder` writes in each. The report's style: `[.prettyPrinted,
/// .sortedKeys, .withoutEscapingSlashes]`, `.convertToSnakeCase` and non-finite numbers as
/// `"inf"`, `"-inf"`, `"nan"` — the form the report has always had — in a fraction of the time. Every hourly cycle stores its report (~65 kB); a profile of
/// the daemon's cycle found Foundation's encoder the larger part of the report stage: a
/// fifth of it converting the same keys to snake case again, most of the rest building
/// and sorting dictionaries.
///
/// Here a key's snake case is worked out once per encode, an object is an array of
/// members sorted once, and text is written to one byte buffer. Tests hold it to
/// Foundation's output on real reports and on the awkward values.
///
/// In the `stored` style it writes what the store's JSON columns always held: Foundation's
/// defaults with `.sortedKeys` (see `StoredJSON`).
enum JSONTextEncoder {
    /// How the text is laid out: the report's, or the store's columns'.
    struct Style {
        var pretty: Bool
        var snakeCaseKeys: Bool
        var escapesSlashes: Bool
        /// Infinities and NaN as the strings "inf", "-inf", "nan"; else refused.
        var nonFiniteAsStrings: Bool

        static let report = Style(pretty: true, snakeCaseKeys: true, escapesSlashes: false, nonFiniteAsStrings: true)
        static let stored = Style(pretty: false, snakeCaseKeys: false, escapesSlashes: true, nonFiniteAsStrings: false)
    }

    static func encode(_ value: some Encodable, style: Style = .report) throws -> String {
        let node = try NodeEncoder(keys: KeyCache(style)).box(value)
        var out: [UInt8] = []
        out.reserveCapacity(style.pretty ? 64 << 10 : 256)
        write(node, into: &out, depth: 0, style)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: The tree

    /// What an encoded value became: text already in JSON form (numbers, literals,
    /// escaped strings), or a container still being filled.
    enum Node {
        case text([UInt8])
        case object(ObjectNode)
        case array(ArrayNode)
    }

    final class ObjectNode {
        var members: [(key: String, value: Node)] = []

        func set(_ key: String, _ value: Node) { members.append((key, value)) }

        /// Foundation's order for `.sortedKeys`: by the keys' UTF-8 bytes. A key encoded
        /// twice keeps its last value, as a dictionary would: found here, next to each
        /// other once sorted (the sort is stable), not by searching the members at every
        /// key set, which was quadratic in an object's keys (~0.3 ms of a report).
        var sortedMembers: [(key: String, value: Node)] {
            var out: [(key: String, value: Node)] = []
            out.reserveCapacity(members.count)
            for m in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                if let last = out.last, last.key == m.key { out[out.count - 1] = m } else { out.append(m) }
            }
            return out
        }
    }

    final class ArrayNode {
        var items: [Node] = []
    }

    /// Snake case by the key's Swift name, worked out once per encode; and which types
    /// are string-keyed dictionaries, by name, once per type.
    final class KeyCache {
        let style: Style
        var converted: [String: String] = [:]
        var dictionaryTypes: [ObjectIdentifier: Bool] = [:]

        init(_ style: Style) { self.style = style }

        /// Whether `type` is a `[String: …]`, whose keys Foundation writes as they are,
        /// by the type's name: a cast to a protocol makes the runtime search every
        /// conformance record in the binary the first time it meets a type (with two such
        /// casts per type the report's encoding was ~13% of a one-shot `cycle` in `perf`,
        /// ~6% with one). A type's name costs microseconds.
        func isStringKeyed(_ type: Any.Type) -> Bool {
            let id = ObjectIdentifier(type)
            if let known = dictionaryTypes[id] { return known }
            let named = _typeName(type, qualified: true).hasPrefix("Swift.Dictionary<Swift.String, ")
            dictionaryTypes[id] = named
            return named
        }

        func json(_ key: some CodingKey) -> String { json(name: key.stringValue) }

        func json(name: String) -> String {
            guard style.snakeCaseKeys else { return name }
            if let hit = converted[name] { return hit }
            let snake = SnakeCase.convert(name)
            converted[name] = snake
            return snake
        }
    }

    // MARK: Writing

    static func write(_ node: Node, into out: inout [UInt8], depth: Int, _ style: Style) {
        guard style.pretty else { return writeCompact(node, into: &out, style) }
        switch node {
        case .text(let bytes):
            out += bytes
        case .object(let object):
            let members = object.sortedMembers
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            for (i, m) in members.enumerated() {
                indent(&out, depth + 1)
                appendString(m.key, into: &out, style)
                out += [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")]
                write(m.value, into: &out, depth: depth + 1, style)
                if i < members.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            if members.isEmpty { out.append(UInt8(ascii: "\n")) }
            indent(&out, depth)
            out.append(UInt8(ascii: "}"))
        case .array(let array):
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (i, item) in array.items.enumerated() {
                indent(&out, depth + 1)
                write(item, into: &out, depth: depth + 1, style)
                if i < array.items.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            if array.items.isEmpty { out.append(UInt8(ascii: "\n")) }
            indent(&out, depth)
            out.append(UInt8(ascii: "]"))
        }
    }

    /// Foundation's form without `.prettyPrinted`: no space anywhere.
    static func writeCompact(_ node: Node, into out: inout [UInt8], _ style: Style) {
        switch node {
        case .text(let bytes):
            out += bytes
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, m) in object.sortedMembers.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(m.key, into: &out, style)
                out.append(UInt8(ascii: ":"))
                writeCompact(m.value, into: &out, style)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (i, item) in array.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeCompact(item, into: &out, style)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    static func indent(_ out: inout [UInt8], _ depth: Int) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    /// A JSON string: quotes, backslashes and control characters escaped, slashes as the
    /// style says, the rest (non-ASCII) as it is.
    static func appendString(_ s: String, into out: inout [UInt8], _ style: Style) {
        out.append(UInt8(ascii: "\""))
        var s = s
        // The runs between the bytes to escape go in whole: most strings have none, and a
        // byte at a time was an eighth of a one-shot cycle's report encoding (`perf`).
        s.withUTF8 { bytes in
            var run = 0
            for (i, b) in bytes.enumerated() where needsEscape(b, style) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                appendEscaped(b, into: &out)
                run = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    static func needsEscape(_ b: UInt8, _ style: Style) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || (b == UInt8(ascii: "/") && style.escapesSlashes)
    }

    static func appendEscaped(_ b: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch b {
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            out += Array("u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
        default: out.append(b)  // a quote, a backslash, a slash
        }
    }

    static func text(_ s: String) -> Node { .text(Array(s.utf8)) }

    /// A finite number in Foundation's form: the shortest text that reads back the same,
    /// without a trailing ".0".
    static func finiteText<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F) -> String {
        var s = v.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}

/// Foundation's `convertToSnakeCase`: words split before an uppercase letter that
/// follows a lowercase one, and before the last capital of a run of capitals that is
/// followed by a lowercase letter ("peakRSSBytes" → "peak_rss_bytes"); then lowercased.
enum SnakeCase {
    static func convert(_ key: String) -> String {
        guard !key.isEmpty else { return key }
        return key.utf8.allSatisfy { $0 < 0x80 } ? convertASCII(Array(key.utf8)) : convertUnicode(key)
    }

    /// The same walk over the bytes of an ASCII key (every Swift property name here),
    /// where upper and lower case are two byte ranges: Character's Unicode property
    /// lookups were a third of the report's key handling (`perf`).
    static func convertASCII(_ b: [UInt8]) -> String {
        func isUpper(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
        func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
        var words: [Range<Int>] = []
        var wordStart = 0
        var searchRange = 1..<b.count
        while let upper = b[searchRange].firstIndex(where: isUpper) {
            words.append(wordStart..<upper)
            searchRange = upper..<searchRange.upperBound
            guard let lower = b[searchRange].firstIndex(where: isLower) else {
                wordStart = searchRange.lowerBound
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            searchRange = lower..<searchRange.upperBound
        }
        words.append(wordStart..<searchRange.upperBound)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + words.count)
        for (i, w) in words.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "_")) }
            for c in b[w] { out.append(isUpper(c) ? c + 32 : c) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func convertUnicode(_ key: String) -> String {
        var words: [Range<String.Index>] = []
        var wordStart = key.startIndex
        var searchRange = key.index(after: wordStart)..<key.endIndex
        while let upper = key[searchRange].firstIndex(where: \.isUppercase) {
            words.append(wordStart..<upper)
            searchRange = upper..<searchRange.upperBound
            guard let lower = key[searchRange].firstIndex(where: \.isLowercase) else {
                wordStart = searchRange.lowerBound
                break
            }
            let afterCapital = key.index(after: upper)
            if lower == afterCapital {
                wordStart = upper
            } else {
                let beforeLower = key.index(before: lower)
                words.append(upper..<beforeLower)
                wordStart = beforeLower
            }
            searchRange = lower..<searchRange.upperBound
        }
        words.append(wordStart..<searchRange.upperBound)
        return words.map { key[$0].lowercased() }.joined(separator: "_")
    }
}

// MARK: The Encoder

extension JSONTextEncoder {
    /// Encodes one value into `node`. A value that asks for a container again gets the
    /// same one, as with Foundation.
    final class NodeEncoder: Encoder {
        let keys: KeyCache
        /// A `[String: …]` encoding itself: its keys are written as they are.
        let verbatimKeys: Bool
        var node: Node?
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(keys: KeyCache, verbatimKeys: Bool = false) { (self.keys, self.verbatimKeys) = (keys, verbatimKeys) }

        /// A member's name in the text.
        func name(_ key: some CodingKey) -> String { verbatimKeys ? key.stringValue : keys.json(key) }

        func container<Key: CodingKey>(keyedBy: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object(let object) = node { return KeyedEncodingContainer(Keyed(object: object, encoder: self)) }
            let object = ObjectNode()
            node = .object(object)
            return KeyedEncodingContainer(Keyed(object: object, encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .array(let array) = node { return Unkeyed(array: array, encoder: self) }
            let array = ArrayNode()
            node = .array(array)
            return Unkeyed(array: array, encoder: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

        func string(_ s: String) -> Node {
            var out: [UInt8] = []
            out.reserveCapacity(s.utf8.count + 2)
            appendString(s, into: &out, keys.style)
            return .text(out)
        }

        /// Foundation's form: the shortest text that reads back the same, without a
        /// trailing ".0"; infinities and NaN as strings, or refused, as the style says.
        func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F) throws -> Node {
            if !v.isFinite {
                guard keys.style.nonFiniteAsStrings else {
                    throw EncodingError.invalidValue(v, .init(codingPath: codingPath,
                                                              debugDescription: "Unable to encode \(v) directly in JSON."))
                }
                return string(v.isNaN ? "nan" : v < 0 ? "-inf" : "inf")
            }
            return text(finiteText(v))
        }

        /// A nested value's node: the primitives directly, anything else by its own
        /// `encode(to:)` into a fresh encoder. Casts to concrete types only, and only the
        /// one that matches, and none to a protocol (see `KeyCache.isStringKeyed`).
        func box<T: Encodable>(_ value: T) throws -> Node {
            // By the type's identity first (a pointer compare each), then the one cast
            // that matches: a struct went through fourteen failing casts before.
            switch ObjectIdentifier(T.self) {
            case ObjectIdentifier(String.self): return string(value as! String)
            case ObjectIdentifier(Double.self): return try number(value as! Double)
            case ObjectIdentifier(Float.self): return try number(value as! Float)
            case ObjectIdentifier(Bool.self): return text(value as! Bool ? "true" : "false")
            case ObjectIdentifier(Int.self): return text((value as! Int).description)
            case ObjectIdentifier(Int64.self): return text((value as! Int64).description)
            case ObjectIdentifier(Int32.self): return text((value as! Int32).description)
            case ObjectIdentifier(Int16.self): return text((value as! Int16).description)
            case ObjectIdentifier(Int8.self): return text((value as! Int8).description)
            case ObjectIdentifier(UInt.self): return text((value as! UInt).description)
            case ObjectIdentifier(UInt64.self): return text((value as! UInt64).description)
            case ObjectIdentifier(UInt32.self): return text((value as! UInt32).description)
            case ObjectIdentifier(UInt16.self): return text((value as! UInt16).description)
            case ObjectIdentifier(UInt8.self): return text((value as! UInt8).description)
            default:
                // A `[String: …]` encodes itself with its keys as they are: the standard
                // library's `encode(to:)` tells `String` keys by a type compare, no cast.
                let nested = NodeEncoder(keys: keys, verbatimKeys: keys.isStringKeyed(T.self))
                try value.encode(to: nested)
                // A value that encoded nothing is an empty object, as in Foundation.
                return nested.node ?? .object(ObjectNode())
            }
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectNode
        let encoder: NodeEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { object.set(encoder.name(key), text("null")) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { object.set(encoder.name(key), text(value ? "true" : "false")) }
        mutating func encode(_ value: String, forKey key: Key) throws { object.set(encoder.name(key), encoder.string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { object.set(encoder.name(key), try encoder.number(value)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { object.set(encoder.name(key), try encoder.number(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { object.set(encoder.name(key), text(value.description)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { object.set(encoder.name(key), text(value.description)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            object.set(encoder.name(key), try encoder.box(value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy: NestedKey.Type,
                                                            forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            object.set(encoder.name(key), .object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(object: nested, encoder: encoder))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            object.set(encoder.name(key), .array(nested))
            return Unkeyed(array: nested, encoder: encoder)
        }

        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

        private func superEncoder(named name: String) -> any Encoder {
            let nested = NodeEncoder(keys: encoder.keys)
            let object = ObjectNode()
            nested.node = .object(object)
            self.object.set(encoder.keys.json(name: name), .object(object))
            return nested
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let array: ArrayNode
        let encoder: NodeEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { array.items.count }

        mutating func encodeNil() throws { array.items.append(text("null")) }
        mutating func encode(_ value: String) throws { array.items.append(encoder.string(value)) }
        mutating func encode(_ value: Double) throws { array.items.append(try encoder.number(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { array.items.append(try encoder.box(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            array.items.append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(object: nested, encoder: encoder))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            array.items.append(.array(nested))
            return Unkeyed(array: nested, encoder: encoder)
        }

        mutating func superEncoder() -> any Encoder {
            let nested = NodeEncoder(keys: encoder.keys)
            let object = ObjectNode()
            nested.node = .object(object)
            array.items.append(.object(object))
            return nested
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: NodeEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { encoder.node = text("null") }
        mutating func encode(_ value: Bool) throws { encoder.node = text(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { encoder.node = encoder.string(value) }
        mutating func encode(_ value: Double) throws { encoder.node = try encoder.number(value) }
        mutating func encode(_ value: Float) throws { encoder.node = try encoder.number(value) }
        mutating func encode(_ value: Int) throws { encoder.node = text(value.description) }
        mutating func encode(_ value: Int64) throws { encoder.node = text(value.description) }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try encoder.box(value) }
    }
}

/// A small reader of the Prometheus text exposition format, enough to check what the
/// metrics writer wrote: `# HELP`/`# TYPE` before each family's samples, label values
/// unescaped (`\\`, `\"`, `\n`).
struct PromText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "malformed exposition line: \(line)" }
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]
    var helps: [String: String] = [:]

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static func parse(_ text: String) throws -> PromText {
        var out = PromText()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count == 4 else { throw Malformed(line: line) }
                if parts[1] == "HELP" { out.helps[parts[2]] = parts[3] } else { out.types[parts[2]] = parts[3] }
                continue
            }
            let s = try sample(line)
            // A sample's family must have been introduced first.
            guard out.types[s.name] != nil, out.helps[s.name] != nil else { throw Malformed(line: line) }
            out.samples.append(s)
        }
        return out
    }

    static func sample(_ line: String) throws -> Sample {
        var chars = Array(line.unicodeScalars)[...]
        var name = ""
        while let c = chars.first, c != "{", c != " " { name.unicodeScalars.append(c); chars.removeFirst() }
        var labels: [String: String] = [:]
        if chars.first == "{" {
            chars.removeFirst()
            while chars.first != "}" {
                var key = ""
                while let c = chars.first, c != "=" { key.unicodeScalars.append(c); chars.removeFirst() }
                guard chars.popFirst() == "=", chars.popFirst() == "\"" else { throw Malformed(line: line) }
                var value = ""
                while let c = chars.popFirst(), c != "\"" {
                    if c == "\\" {
                        switch chars.popFirst() {
                        case "n": value += "\n"
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        default: throw Malformed(line: line)
                        }
                    } else {
                        value.unicodeScalars.append(c)
                    }
                }
                labels[key] = value
                if chars.first == "," { chars.removeFirst() }
                guard !chars.isEmpty else { throw Malformed(line: line) }
            }
            chars.removeFirst()
        }
        guard chars.popFirst() == " ", let v = Double(String(String.UnicodeScalarView(chars))) else {
            throw Malformed(line: line)
        }
        return Sample(name: name, labels: labels, value: v)
    }
}

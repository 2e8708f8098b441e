import FeedbackLoop
import Foundation

/// Writes a synthetic violations log in the original project's format: Poisson
/// arrivals per hour whose rate follows each function's profile, in time order,
/// ending at `end`. Deterministic for a seed.
public struct SampleLog: Sendable {
    public var lines: Int
    public var days: Int
    public var end: Microseconds
    public var seed: UInt64 = 42
    /// Every Nth line is replaced by a malformed one (cycling through the kinds), to
    /// show the counting; nil for a clean log.
    public var malformedEvery: Int?
    public var functions = SampleFunction.standard

    public init(lines: Int, days: Int, end: Microseconds) {
        self.lines = lines
        self.days = days
        self.end = end
    }

    /// The hourly rate of each function, so the expected total is `lines`: the
    /// profile's shape, with an overdispersed profile's day-to-day noise drawn (from the
    /// seed) when `noise` is set. Without it, the rates the noise is drawn around: the
    /// truth a backtest scores trend labels against.
    public func hourlyRates(noise: Bool = true) -> [[Double]] {
        let hours = days * 24
        let start = startHour
        let shapes = functions.map { f in
            (0..<hours).map { f.profile.multiplier(hour: $0, of: hours, startHour: start) * f.weight * f.profile.scale }
        }
        let mass = shapes.reduce(0) { $0 + $1.reduce(0, +) }
        let k = mass > 0 ? Double(lines) / mass : 0
        var rng = SplitMix64(seed: seed ^ 0x5EED_DA1)
        return zip(functions, shapes).map { f, shape in
            var rates = shape.map { $0 * k }
            if noise, let gamma = f.profile.dailyGammaShape {
                for day in stride(from: 0, to: hours, by: 24) {
                    let g = Gamma.unitMean(shape: gamma, &rng)
                    for h in day..<min(hours, day + 24) { rates[h] *= g }
                }
            }
            return rates
        }
    }

    /// The absolute hour the log's first hour is.
    public var startHour: Int32 { Timestamp.hour(of: end) - Int32(days * 24) + 1 }

    /// Hourly counts per function drawn from `hourlyRates()` (Poisson, as `generate`
    /// draws its lines, though not the same draws), without writing a log: what a
    /// backtest of known rates reads.
    public func hourlyCounts() -> [String: [Int64]] {
        var rng = SplitMix64(seed: seed)
        let rates = hourlyRates()
        var out = [String: [Int64]]()
        for (f, r) in zip(functions, rates) { out[f.name] = r.map { Int64(Poisson.sample($0, &rng)) } }
        return out
    }

    public func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let out = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? out.close() }
        var buffer = [UInt8]()
        buffer.reserveCapacity(4 << 20)
        try generate { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 4 << 20 {
                try out.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try out.write(contentsOf: buffer)
    }

    /// Calls `emit` with each line, oldest first.
    public func generate(_ emit: (String) throws -> Void) throws {
        var rng = SplitMix64(seed: seed)
        let rates = hourlyRates()
        let hours = days * 24
        var n = 0
        var events: [(Microseconds, Int)] = []
        for h in 0..<hours {
            events.removeAll(keepingCapacity: true)
            let hourStart = Int64(startHour + Int32(h)) * Timestamp.microsPerHour
            for (fi, r) in rates.enumerated() {
                for _ in 0..<Poisson.sample(r[h], &rng) {
                    events.append((hourStart + Int64(rng.unit() * Double(Timestamp.microsPerHour)), fi))
                }
            }
            events.sort { $0.0 < $1.0 }
            for (ts, fi) in events where ts <= end {
                n += 1
                if let every = malformedEvery, n % every == 0 {
                    try emit(Self.malformed(n / every, ts))
                } else {
                    try emit(line(functions[fi], ts, &rng))
                }
            }
        }
    }

    func line(_ f: SampleFunction, _ ts: Microseconds, _ rng: inout SplitMix64) -> String {
        let template = f.errors[Int(rng.next() % UInt64(f.errors.count))]
        var error = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            error += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "n": error += String(rng.next() % 20_000)
            case "path": error += "src/agents/module_\(rng.next() % 400).py"
            case "id": error += "id-" + String(rng.next() % 0xFFFF_FFFF, radix: 16) + String(rng.next() % 900 + 100)
            default: error += rest[open...close]  // not a placeholder: the text as written
            }
            rest = rest[rest.index(after: close)...]
        }
        error += rest
        return "{\"timestamp\": \"\(Self.timestamp(ts, style: Int(rng.next() % 20)))\", "
            + "\"violation_type\": \"ConstitutionalCompliance\", \"function\": \"\(Self.json(f.name))\", "
            + "\"error\": \"\(Self.json(error))\", \"severity\": \"\(Self.json(f.severity))\"}"
    }

    /// A JSON string's contents: quotes, backslashes and control characters escaped, so
    /// hostile test texts reach the log as the text they are, not as broken lines.
    static func json(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Mostly `+00:00` as the original's Python wrote; one in twenty `Z`, one in
    /// twenty naive, to keep every accepted form in the data.
    static func timestamp(_ ts: Microseconds, style: Int) -> String {
        let iso = Timestamp.iso8601(ts)
        let base = iso.hasSuffix("+00:00") ? String(iso.dropLast(6)) : iso
        let withFraction = base.contains(".") ? base : base + ".000000"
        switch style {
        case 0: return withFraction + "Z"
        case 1: return withFraction
        default: return withFraction + "+00:00"
        }
    }

    /// The malformed kinds, in turn.
    static func malformed(_ k: Int, _ ts: Microseconds) -> String {
        let t = Timestamp.iso8601(ts)
        switch k % 5 {
        case 0: return "{\"timestamp\": \"\(t)\", \"function\": \"create_mock_agent\", \"error\": \"Article I: Incomplete"
        case 1: return "{\"timestamp\": \"\(t)\", \"error\": \"Article II: Quality standards not met\"}"
        case 2: return "{\"timestamp\": \"yesterday\", \"function\": \"create_mock_agent\", \"error\": \"Article I: x\"}"
        case 3: return "{\"timestamp\": \"\(t)\", \"function\": 17, \"error\": \"Article I: x\"}"
        default: return "not json at all"
        }
    }
}

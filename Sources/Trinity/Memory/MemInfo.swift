import Foundation

/// One reading of the machine's memory: `/proc/meminfo`, `/proc/pressure/memory` and,
/// where the Ollama service has one, its cgroup v2 `memory.current`/`memory.max`. All
/// paths hang off `root`, so tests feed recorded files. Missing or garbled values come
/// back as nil with a warning; the governor then plans as if memory were short.
public struct MemorySnapshot: Sendable, Equatable {
    public var memTotal: Int64?
    public var memAvailable: Int64?
    public var swapTotal: Int64?
    public var swapFree: Int64?
    /// PSI "full avg10": the share of the last 10 s in which every task stalled on memory.
    public var pressureFullAvg10: Double?
    public var pressureSomeAvg10: Double?
    public var cgroupCurrent: Int64?
    /// nil when unlimited ("max") or absent.
    public var cgroupMax: Int64?
    public var warnings: [String] = []

    public init(memTotal: Int64? = nil, memAvailable: Int64? = nil, swapTotal: Int64? = nil, swapFree: Int64? = nil,
                pressureFullAvg10: Double? = nil, pressureSomeAvg10: Double? = nil) {
        self.memTotal = memTotal
        self.memAvailable = memAvailable
        self.swapTotal = swapTotal
        self.swapFree = swapFree
        self.pressureFullAvg10 = pressureFullAvg10
        self.pressureSomeAvg10 = pressureSomeAvg10
    }
}

public struct MemorySource: Sendable {
    public var root: String
    /// The Ollama service's cgroup, relative to /sys/fs/cgroup (e.g. system.slice/ollama.service).
    public var ollamaCgroup: String?

    public init(root: String = "/", ollamaCgroup: String? = "system.slice/ollama.service") {
        self.root = root
        self.ollamaCgroup = ollamaCgroup
    }

    public func read() -> MemorySnapshot {
        var s = MemorySnapshot()
        if let text = file("proc/meminfo") {
            let m = MemInfoParser.parse(text)
            s.memTotal = m["MemTotal"]
            s.memAvailable = m["MemAvailable"]
            s.swapTotal = m["SwapTotal"]
            s.swapFree = m["SwapFree"]
            for key in ["MemTotal", "MemAvailable"] where m[key] == nil {
                s.warnings.append("/proc/meminfo has no readable \(key); planning as if memory were short")
            }
        } else {
            s.warnings.append("cannot read \(path("proc/meminfo")); planning as if memory were short")
        }
        if let text = file("proc/pressure/memory") {
            (s.pressureSomeAvg10, s.pressureFullAvg10) = PressureParser.avg10(text)
            if s.pressureFullAvg10 == nil { s.warnings.append("/proc/pressure/memory has no readable 'full avg10'") }
        }
        if let cg = ollamaCgroup {
            s.cgroupCurrent = file("sys/fs/cgroup/\(cg)/memory.current").flatMap { Int64($0.trimmed) }
            s.cgroupMax = file("sys/fs/cgroup/\(cg)/memory.max").flatMap { Int64($0.trimmed) }
        }
        return s
    }

    func path(_ rel: String) -> String { (root as NSString).appendingPathComponent(rel) }

    func file(_ rel: String) -> String? {
        // /proc files report size 0; read them as a stream.
        guard let h = FileHandle(forReadingAtPath: path(rel)) else { return nil }
        defer { try? h.close() }
        guard let d = try? h.readToEnd() else { return nil }
        return String(decoding: d, as: UTF8.self)
    }
}

enum MemInfoParser {
    /// `MemTotal:       49152000 kB` → bytes. Lines that do not parse are skipped.
    static func parse(_ text: String) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let parts = line[line.index(after: colon)...].split(separator: " ")
            guard let first = parts.first, let n = Int64(first), n >= 0 else { continue }
            let unit = parts.count > 1 ? parts[1].lowercased() : ""
            out[key] = unit == "kb" ? n * 1024 : n
        }
        return out
    }
}

enum PressureParser {
    /// (some avg10, full avg10) from `some avg10=0.00 avg60=… total=…` lines.
    static func avg10(_ text: String) -> (Double?, Double?) {
        var some: Double?, full: Double?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let kind = fields.first,
                  let v = fields.first(where: { $0.hasPrefix("avg10=") }).flatMap({ Double($0.dropFirst(6)) }),
                  v.isFinite, v >= 0 else { continue }
            if kind == "some" { some = v } else if kind == "full" { full = v }
        }
        return (some, full)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        if let bytes = file("proc/meminfo") {
            let m = MemInfoParser.parse(bytes)
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
        if let bytes = file("proc/pressure/memory") {
            (s.pressureSomeAvg10, s.pressureFullAvg10) = PressureParser.avg10(String(decoding: bytes, as: UTF8.self))
            if s.pressureFullAvg10 == nil { s.warnings.append("/proc/pressure/memory has no readable 'full avg10'") }
        }
        if let cg = ollamaCgroup {
            s.cgroupCurrent = file("sys/fs/cgroup/\(cg)/memory.current").flatMap { Int64(String(decoding: $0, as: UTF8.self).trimmed) }
            s.cgroupMax = file("sys/fs/cgroup/\(cg)/memory.max").flatMap { Int64(String(decoding: $0, as: UTF8.self).trimmed) }
        }
        return s
    }

    func path(_ rel: String) -> String { (root as NSString).appendingPathComponent(rel) }

    /// /proc files report size 0, so they are read until EOF — with plain read(2) into
    /// one buffer: the governor samples memory before every load decision.
    func file(_ rel: String) -> ArraySlice<UInt8>? {
        let fd = open(path(rel), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 16 << 10)
        var used = 0
        while used < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + used, $0.count - used) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            used += n
        }
        return bytes[0..<used]
    }
}

enum MemInfoParser {
    /// `MemTotal:       49152000 kB` → bytes, straight from the bytes (the kernel's
    /// own cost of producing the file is most of a sample). Lines that do not parse
    /// are skipped; a key without a number is absent.
    static func parse(_ b: ArraySlice<UInt8>) -> [String: Int64] {
        var out: [String: Int64] = [:]
        var i = b.startIndex
        while i < b.endIndex {
            let lineEnd = b[i...].firstIndex(of: 0x0A) ?? b.endIndex
            if let colon = b[i..<lineEnd].firstIndex(of: 0x3A) {
                var j = colon + 1
                while j < lineEnd, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                var n: Int64 = 0
                var digits = 0
                while j < lineEnd, b[j] >= 0x30, b[j] <= 0x39, digits < 18 {
                    n = n * 10 + Int64(b[j] - 0x30)
                    digits += 1
                    j += 1
                }
                while j < lineEnd, b[j] == 0x20 { j += 1 }
                let rest = b[j..<lineEnd]
                if digits > 0, rest.isEmpty || rest.elementsEqual("kB".utf8) {
                    out[String(decoding: b[i..<colon], as: UTF8.self)] = rest.isEmpty ? n : n * 1024
                }
            }
            i = lineEnd + 1
        }
        return out
    }

    static func parse(_ text: String) -> [String: Int64] { parse(ArraySlice(text.utf8)) }
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

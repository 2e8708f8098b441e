#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a scan's time goes: the same file read by one thread through the real read
/// loop and scanner, stopped after each step in turn — lines found, fields found,
/// timestamps read, names interned, buckets counted. Each figure includes the steps
/// before it, so the differences are the steps' own costs. For `make bench`.
public enum ScanPhases {
    public static let names = ["line finding", "field extraction", "timestamps", "interning", "buckets"]

    /// Seconds for each phase (cumulative, in `names` order), the best of `runs`.
    public static func measure(path: String, runs: Int = 3) throws -> [Double] {
        let file = try LogFile(path: path)
        var best = [Double](repeating: .infinity, count: names.count)
        for _ in 0..<runs {
            best[0] = min(best[0], try time { var c = LineCount(); _ = try LogIngest.forEachLine(file, 0..<file.size, into: &c) })
            for phase in LineScanner.Phase.allCases {
                let t = try time {
                    var s = LineScanner(stopAfter: phase)
                    _ = try LogIngest.forEachLine(file, 0..<file.size, into: &s)
                }
                best[phase.rawValue + 1] = min(best[phase.rawValue + 1], t)
            }
        }
        return best
    }

    private static func time(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Finds lines and nothing else.
    struct LineCount: LineConsumer {
        var lines = 0
        mutating func consume(_ line: UnsafeRawBufferPointer) { lines += 1 }
        mutating func consumeOversizedLine() { lines += 1 }
    }
}

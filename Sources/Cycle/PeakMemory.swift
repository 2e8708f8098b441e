import Foundation

/// This process's peak resident set, for the report: getrusage's ru_maxrss (KiB on Linux).
enum PeakMemory {
    static func residentBytes() -> Int64? {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        return Int64(usage.ru_maxrss) * 1024
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Publishes the simulated machine's memory in /proc/meminfo format, so a memory governor
/// pointed at this file sees loads and unloads exactly as it would see them on the host.
struct MeminfoWriter: Sendable {
    let path: String

    /// Written to a temporary file then renamed over the target, so a reader never sees a
    /// half-written file.
    func write(totalBytes: Int64, usedBytes: Int64) {
        let text = Self.render(totalBytes: totalBytes, availableBytes: max(0, totalBytes - usedBytes))
        let temporary = "\(path).\(UUID().uuidString).tmp"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                report("cannot rename \(temporary) to \(path): \(reason)")
                return
            }
        } catch {
            report("cannot write \(temporary): \(error)")
        }
    }

    /// Values in kB (KiB) like the kernel. MemFree equals MemAvailable: the simulated
    /// machine has no page cache to reclaim. No swap, so a governor cannot count on it.
    static func render(totalBytes: Int64, availableBytes: Int64) -> String {
        let lines: [(String, Int64)] = [
            ("MemTotal", totalBytes),
            ("MemFree", availableBytes),
            ("MemAvailable", availableBytes),
            ("SwapTotal", 0),
            ("SwapFree", 0),
        ]
        return lines.map { label, bytes in
            let field = "\(label):"
            let kilobytes = String(bytes / 1024)
            let padding = String(repeating: " ", count: max(1, 24 - field.count - kilobytes.count))
            return "\(field)\(padding)\(kilobytes) kB\n"
        }.joined()
    }

    private func report(_ message: String) {
        FileHandle.standardError.write(Data("ollama-sim: meminfo: \(message)\n".utf8))
    }
}

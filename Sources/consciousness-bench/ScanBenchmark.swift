import ArgumentParser
import FeedbackLoop
import Foundation

/// `consciousness-bench scan --log FILE`: where Observe's time goes on one core — the
/// real read loop and scanner stopped after each step (`ScanPhases`), best of 3 runs.
/// Prints `phase seconds` lines, cumulative, then the file's size.
struct ScanBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "The log scan on one core, split by step.")

    @Option(help: "The log to scan.")
    var log: String

    func run() throws {
        let seconds = try ScanPhases.measure(path: log)
        for (name, s) in zip(ScanPhases.names, seconds) {
            print("\(name.replacingOccurrences(of: " ", with: "_")) \(s)")
        }
        let size = try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int ?? 0
        print("bytes \(size)")
    }
}

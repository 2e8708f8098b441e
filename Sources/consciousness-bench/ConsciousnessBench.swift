import ArgumentParser

/// `consciousness-bench`, for `make bench` (scripts/bench.py runs it from beside the
/// release `consciousness`): micro-benchmarks of the governor and the vector memory.
/// Each prints `name value` lines, one measurement a line.
@main
struct ConsciousnessBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consciousness-bench",
        abstract: "Benchmarks of the memory governor and the vector memory (for make bench).",
        subcommands: [GovernorBenchmark.self, GovernorSoak.self, ScanBenchmark.self, VectorBenchmark.self])

    /// The median of `runs` measurements.
    static func median(_ runs: Int, _ body: () async -> Double) async -> Double {
        var xs: [Double] = []
        for _ in 0..<runs { xs.append(await body()) }
        return xs.sorted()[runs / 2]
    }
}

import ArgumentParser

@main
struct Consciousness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consciousness",
        abstract: "Watches an agent framework's constitutional violations and learns from them.",
        subcommands: [CycleCommand.self, DaemonCommand.self, StatusCommand.self, ReportCommand.self, MemoryCommand.self,
                      BacktestCommand.self, SampleCommand.self, ProposalsCommand.self, DoctorCommand.self, VectorBenchmark.self])
}

import ArgumentParser

struct ProposalShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One proposal: evidence, the Markdown it adds, and who decided what, when.")

    @OptionGroup var state: StateOption

    @Argument(help: "The proposal's number.")
    var id: Int64

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        switch try state.source() {
        case .daemon(let d): try await printing { try await d.output(.GET, "/v1/proposals/\(id)" + (json ? "?json=1" : "")) }
        case .local(let ops): try await printing { try ops.proposal(id, json: json) }
        }
    }
}

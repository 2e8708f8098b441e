import ArgumentParser
import FeedbackLoop

struct ProposalListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Every proposal with its status (pending, approved, rejected, superseded), oldest first.")

    @OptionGroup var state: StateOption

    @Option(help: "Only proposals with this status: \(ProposalStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: ProposalStatus?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        switch try state.source() {
        case .daemon(let d):
            let q = [json ? "json=1" : nil, status.map { "status=\($0.rawValue)" }].compactMap { $0 }.joined(separator: "&")
            try await printing { try await d.output(.GET, "/v1/proposals" + (q.isEmpty ? "" : "?" + q)) }
        case .local(let ops): try await printing { try ops.proposals(status: status, json: json) }
        }
    }
}

import FeedbackLoop
import ArgumentParser
import StateStore

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
        let store = try state.open()
        let views: [ProposalView]
        do { views = try store.proposals(status: status).map { ProposalView($0) } } catch {
            throw fail("cannot read proposals: \(error)", ExitStatus.software)
        }
        if json { return print(ProposalView.json(views), terminator: "") }
        guard !views.isEmpty else { return print("No \(status.map { "\($0.rawValue) " } ?? "")proposals.") }
        for v in views { print(v.line) }
        let pending = views.filter { $0.status == .pending }.count
        if pending > 0 { print("\n\(pending) pending: consciousness proposals show ID, then approve ID or reject ID --reason TEXT") }
    }
}

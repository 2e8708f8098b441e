import ArgumentParser
import StateStore

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
        let store = try state.open()
        let p = try state.proposal(id, in: store)
        let trail: [Decision]
        do { trail = try store.decisions(proposal: id) } catch {
            throw fail("cannot read the decisions of proposal \(id): \(error)", ExitStatus.software)
        }
        let effect = try? store.fixEffects().first { $0.proposal == id }
        let view = ProposalView(p, decisions: trail, effect: effect ?? nil)
        print(json ? ProposalView.json(view) : view.text, terminator: "")
    }
}

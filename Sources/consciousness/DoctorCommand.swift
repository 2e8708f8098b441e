import ArgumentParser
import Control
import Doctor
import Foundation

/// `consciousness doctor`: the seed's deployment checklist, run (the Doctor library).
/// Each line is ✓ or ✗, and a ✗ comes with the command or edit that fixes it.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this machine against the deployment checklist; print the fix for each failure.",
        discussion: "Exit status: 0 when every check passes, 69 (EX_UNAVAILABLE) when any fails.")

    @Option(help: "Configuration file (default: $CONSCIOUSNESS_CONFIG, else /etc/consciousness/consciousness.env if it exists).")
    var config: String?

    @Option(help: "State directory to check (default: $STATE_DIRECTORY, else ~/.local/state/consciousness).")
    var stateDir: String?

    @Option(help: "Where /proc and /sys are (recorded files for tests).")
    var root = "/"

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Ask the running daemon to run the checks itself: what the service sees, as its user, in its sandbox.")
    var asService = false

    /// Tests stand a script in for systemctl.
    @Option(help: .hidden)
    var systemctl = "systemctl"

    func run() async throws {
        if asService { return try await runInDaemon() }
        let env = ProcessInfo.processInfo.environment
        let doctor = Doctor(configFile: ConfigFile.path(config, env), environment: env,
                            stateDirectory: Paths.stateDirectory(stateDir, env), root: root, systemctl: systemctl,
                            user: Person.name(env))
        let report = await doctor.run()
        print(json ? report.json() : report.text(), terminator: "")
        if !report.ok { throw ExitStatus.unavailable }
    }

    private func runInDaemon() async throws {
        guard let d = try Source.daemon() else {
            throw fail("--as-service needs the running daemon, and none answers on "
                       + ControlSocket.clientPath(environment: ProcessInfo.processInfo.environment), ExitStatus.unavailable)
        }
        let reply: DaemonClient.Reply
        do { reply = try await d.send(.GET, "/v1/doctor" + (json ? "?json=1" : "")) } catch { throw error.exit }
        print(reply.text, terminator: "")
        if reply.exitStatus != 0 { throw ExitCode(reply.exitStatus) }
    }

    /// The checks as the running service sees them — its user, its sandbox, its
    /// configuration — for `doctor --as-service` over the control socket.
    static func asService(configFile: String?, environment: [String: String], stateDirectory: String) async
        -> (text: String, json: String, ok: Bool)
    {
        let doctor = Doctor(configFile: configFile, environment: environment, stateDirectory: stateDirectory,
                            user: Person.login())
        let r = await doctor.run()
        return ("As the service sees it (pid \(getpid()), \(Person.login())):\n" + r.text(), r.json(), r.ok)
    }
}

import ArgumentParser
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

    /// Tests stand a script in for systemctl.
    @Option(help: .hidden)
    var systemctl = "systemctl"

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let doctor = Doctor(configFile: ConfigFile.path(config, env), environment: env,
                            stateDirectory: Paths.stateDirectory(stateDir, env), root: root, systemctl: systemctl,
                            user: Person.name(env))
        let report = await doctor.run()
        print(json ? report.json() : report.text(), terminator: "")
        if !report.ok { throw ExitStatus.unavailable }
    }
}

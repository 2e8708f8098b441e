import ArgumentParser
import Control
#if canImport(Glibc)
import Glibc
#endif

/// Exit statuses, from sysexits(3) so scripts and systemd can tell failures apart.
enum ExitStatus {
    /// A bad option or value (ArgumentParser also uses 64 for its own usage errors).
    static let usage = ExitCode(CommandFailure.usage)
    /// The input is readable but cannot serve (a log too short to backtest).
    static let dataError = ExitCode(CommandFailure.dataError)
    /// The violations log is missing or unreadable.
    static let noInput = ExitCode(CommandFailure.noInput)
    /// The state directory cannot be created or written.
    static let cantCreate = ExitCode(CommandFailure.cantCreate)
    /// The configuration was refused (the unit's RestartPreventExitStatus= includes it:
    /// restarting cannot fix a bad value).
    static let config = ExitCode(CommandFailure.config)
    /// Any other failure: a bug or an I/O error, reported with its reason.
    static let software = ExitCode(CommandFailure.software)
}

/// Prints a one-line reason to stderr and exits with `status`.
func fail(_ message: String, _ status: ExitCode) -> ExitCode {
    var line = "consciousness: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    return status
}

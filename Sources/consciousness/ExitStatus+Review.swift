import ArgumentParser
import Control

/// Exit statuses of the review commands (proposals, doctor), from sysexits(3).
extension ExitStatus {
    /// A check of `doctor` failed: something the service needs is not there.
    static let unavailable = ExitCode(CommandFailure.unavailable)
    /// The repository is not ready (uncommitted changes to the delta file, a merge or
    /// rebase in progress, no commit yet): fix that and run the same command again.
    static let tempFail = ExitCode(CommandFailure.tempFail)
}

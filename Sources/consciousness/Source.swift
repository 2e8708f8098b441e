import ArgumentParser
import Control
import Foundation
import StateStore

/// Where a command's answer comes from: the running daemon over its control socket
/// (as `ollama` talks to `ollama serve`), or — with `--state-dir`, or no daemon — a
/// state directory read by the command itself. Both print the same.
enum Source {
    case daemon(DaemonClient)
    case local(Operations)

    /// `--state-dir` given: that directory. Else the daemon when one answers; else the
    /// default state directory.
    static func resolve(stateDir: String?, _ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Source {
        if stateDir == nil, let client = try daemon(env) { return .daemon(client) }
        return .local(try local(stateDir, env))
    }

    /// The daemon's client, nil when none answers; a refusal when one runs that this
    /// user may not reach.
    static func daemon(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> DaemonClient? {
        let path = ControlSocket.clientPath(environment: env)
        switch ControlSocket.probe(path) {
        case .answering: return DaemonClient(socketPath: path)
        case .denied:
            throw fail("the daemon runs, but you may not use its socket \(path): join the group consciousness "
                       + "(sudo usermod -aG consciousness \(Person.login()), then log in again), or pass --state-dir",
                       ExitCode(CommandFailure.noPermission))
        case .absent, .notListening: return nil
        }
    }

    static func local(_ stateDir: String?, _ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Operations {
        do { return try Operations.existing(Paths.stateDirectory(stateDir, env)) } catch { throw error.exit }
    }
}

extension CommandFailure {
    /// Printed to stderr as `consciousness: <message>`, exiting with the status.
    var exit: ExitCode { fail(message, ExitCode(exitStatus)) }
}

/// Prints what `body` returns, turning a CommandFailure into its message and exit status.
func printing(_ body: () async throws -> String) async throws {
    do { print(try await body(), terminator: "") } catch let f as CommandFailure { throw f.exit }
}

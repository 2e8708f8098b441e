/// Why a command could not do what it was asked, with the sysexits(3) status the
/// command line exits with — the same whether the daemon answered over its socket or
/// the command read a state directory itself.
public struct CommandFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var exitStatus: Int32

    public init(_ message: String, _ exitStatus: Int32) {
        self.message = message
        self.exitStatus = exitStatus
    }

    public var description: String { message }

    /// The response header that carries a command's exit status from the daemon.
    public static let exitHeader = "Consciousness-Exit"

    /// sysexits(3).
    public static let usage: Int32 = 64, dataError: Int32 = 65, noInput: Int32 = 66, unavailable: Int32 = 69,
        software: Int32 = 70, cantCreate: Int32 = 73, tempFail: Int32 = 75, noPermission: Int32 = 77, config: Int32 = 78
}

import FeedbackLoop
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The doctor's file-system checks: the state directory can be written, the
/// violations log can be read.
enum PathChecks {
    /// Whether this process may create entries in a directory (access(2), W_OK | X_OK).
    static func writable(_ path: String) -> Bool { access(path, W_OK | X_OK) == 0 }

    /// `user` is named in the fixes; `writable` stands in for access(2) in tests, which
    /// may run as root (to whom it always says yes).
    static func stateDirectory(_ dir: String, user: String,
                               writable: (String) -> Bool = PathChecks.writable) -> DoctorCheck {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                return .failure("state directory", "\(dir) is not a directory", fix: "remove it, or pass --state-dir DIR")
            }
            guard writable(dir) else {
                return .failure("state directory", "\(dir) is not writable by \(user)",
                                fix: "sudo chown \(user) \(dir), or pass --state-dir DIR")
            }
            return .pass("state directory", "\(dir) is writable")
        }
        // Absent: the first cycle creates it, if the nearest existing parent lets it.
        var parent = (dir as NSString).deletingLastPathComponent
        while !parent.isEmpty, parent != "/", !FileManager.default.fileExists(atPath: parent) {
            parent = (parent as NSString).deletingLastPathComponent
        }
        guard writable(parent.isEmpty ? "." : parent) else {
            return .failure("state directory", "\(dir) does not exist and \(parent) is not writable",
                            fix: "sudo install -d -o \(user) \(dir), or pass --state-dir DIR")
        }
        return .pass("state directory", "\(dir) does not exist yet; the first cycle creates it")
    }

    static func violationsLog(_ path: String, _ d: DoctorConfig) -> DoctorCheck {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure("violations log", "\(path) does not exist",
                            fix: "set AGENCY_ROOT to the agent framework's checkout, or VIOLATIONS_LOG to its log, \(d.whereToEdit)")
        }
        // LogFile opens without blocking and refuses a FIFO, device or socket by name:
        // FileHandle's open would wait for ever on a FIFO with no writer.
        do { _ = try LogFile(path: path) } catch {
            let fix = error.reason.contains("not a regular file")
                ? "point VIOLATIONS_LOG at the file the agents append to, \(d.whereToEdit)"
                : "chmod a+r \(path) (the service runs as its own user)"
            return .failure("violations log", "\(path): \(error.reason)", fix: fix)
        }
        return .pass("violations log", "\(path) is readable")
    }
}

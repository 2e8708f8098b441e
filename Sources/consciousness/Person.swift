import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who is deciding.
enum Person {
    /// The person behind `sudo` when there is one, else the login user: a decision
    /// recorded in a state directory the person reached with sudo is still theirs.
    static func name(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["SUDO_USER", "USER"] {
            if let v = env[key], !v.isEmpty { return v }
        }
        return login()
    }

    /// The login name of the process's effective user, as the system has it.
    static func login() -> String {
        if let pw = getpwuid(geteuid()), let n = pw.pointee.pw_name { return String(cString: n) }
        return "uid \(geteuid())"
    }
}

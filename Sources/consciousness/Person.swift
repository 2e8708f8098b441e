import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who is deciding: the person behind `sudo` when there is one (the state directory of
/// the service may need root, the decision is still theirs), else the login user.
enum Person {
    static func name(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["SUDO_USER", "USER"] {
            if let v = env[key], !v.isEmpty { return v }
        }
        if let pw = getpwuid(getuid()), let n = pw.pointee.pw_name { return String(cString: n) }
        return "uid \(getuid())"
    }
}

import Foundation
import Synchronization

/// A program run to completion with its output collected: git for approvals,
/// systemctl for `doctor`.
public enum ChildProcess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        /// stdout as text without its final newline.
        public var text: String {
            var s = String(decoding: stdout, as: UTF8.self)
            while s.hasSuffix("\n") { s.removeLast() }
            return s
        }
        public var ok: Bool { status == 0 }
        /// `/usr/bin/env` could not find the program.
        public var notFound: Bool { status == 127 }
    }

    /// Runs `program` found on PATH (through `/usr/bin/env`), feeding it `input`.
    public static func run(_ program: String, _ args: [String], input: Data? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        p.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        // stderr and stdin on their own threads: a child blocked writing one pipe while
        // this process waits on another would hang both.
        let stderr = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let d = err.fileHandleForReading.readDataToEndOfFile()
            stderr.data.withLock { $0 = d }
        }
        DispatchQueue.global().async(group: group) {
            if let input { inp.fileHandleForWriting.write(input) }
            try? inp.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: stdout,
                      stderr: String(decoding: stderr.data.withLock { $0 }, as: UTF8.self))
    }
}

/// What a reader thread collected, handed back under a lock.
private final class Collected: Sendable {
    let data = Mutex(Data())
}

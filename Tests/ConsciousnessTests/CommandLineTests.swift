import Foundation
import Synchronization
import Testing

/// The `consciousness` binary as a user runs it: exit statuses, messages, outputs.
enum Binary {
    static var path: String {
        if let p = ProcessInfo.processInfo.environment["CONSCIOUSNESS_BIN"] { return p }
        // Tests/ConsciousnessTests/<this file> → package root → .build/debug
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/consciousness").path
    }

    /// `consciousness daemon --state-dir STATE`, started and left running, outside
    /// systemd (no notify socket, watchdog or journal), with `env` over this process's.
    static func daemon(state: String, env: [String: String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["daemon", "--state-dir", state]
        var e = ProcessInfo.processInfo.environment
        for k in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "CONSCIOUSNESS_CONFIG"] { e[k] = nil }
        e.merge(env) { _, new in new }
        p.environment = e
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with `args` to its end. Async, off the cooperative pool: the wait
    /// for the child happens on a thread of its own, so tests in parallel never starve
    /// the in-process simulators of other suites.
    static func run(_ args: [String], env: [String: String] = [:]) async throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        e.removeValue(forKey: "STATE_DIRECTORY")
        e.removeValue(forKey: "VIOLATIONS_LOG")
        // No Ollama runs beside the tests: the model stages are asked for by the tests
        // that start a simulator, and are off elsewhere.
        e["MODEL_STAGES"] = "off"
        for (k, v) in env { e[k] = v }
        p.environment = e
        return try await capture(p)
    }

    /// Runs `p` to its end, with its output and status: stdout and stderr drained
    /// together (a child that fills one pipe while the test reads the other would
    /// otherwise block for ever), on a thread that is not the cooperative pool's.
    static func capture(_ p: Process) async throws -> Result {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Result, any Error>) in
            let process = SendableProcess(p)
            Thread { c.resume(with: Swift.Result { try captureBlocking(process.process) }) }.start()
        }
    }

    private static func captureBlocking(_ p: Process) throws -> Result {
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errData = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        Thread {
            let d = errHandle.readDataToEndOfFile()
            errData.withLock { $0 = d }
            drained.signal()
        }.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }
}

/// A `Process` handed to the one thread that runs it and nothing else: Foundation's
/// Process is not Sendable, but after the hand-over only that thread touches it.
struct SendableProcess: @unchecked Sendable {
    let process: Process
    init(_ p: Process) { process = p }
}

func temporaryDirectory() -> String {
    let dir = NSTemporaryDirectory() + "cc-cli-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite(.serialized) struct CommandLineTests {
    let dir = temporaryDirectory()

    func sample(lines: Int = 3_000, end: String = "2025-10-08T00:00:00Z") async throws -> String {
        let log = dir + "/v.jsonl"
        let r = try await Binary.run(["sample", "--output", log, "--lines", "\(lines)", "--days", "10", "--end", end,
                                "--malformed-every", "250"])
        #expect(r.status == 0, "\(r.stderr)")
        return log
    }

    /// libsystemd is opened by the daemon when systemd is there (`LibSystemd`), not
    /// loaded with every command: the glibc loader's own trace of a cycle names it not.
    @Test func aCycleDoesNotLoadLibsystemd() async throws {
        let log = try await sample(lines: 200)
        let r = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/s", "--now", "2025-10-08T00:00:00Z"],
                                     env: ["LD_DEBUG": "libs"])
        #expect(r.status == 0, "\(r.stderr.suffix(500))")
        #expect(r.stderr.contains("calling init: "), "LD_DEBUG=libs traced nothing: \(r.stderr.prefix(300))")
        #expect(!r.stderr.contains("libsystemd"))
    }

    @Test func aCycleReportsInTextAndJSON() async throws {
        let log = try await sample()
        let text = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/s", "--now", "2025-10-08T00:00:00Z"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("CONSTITUTIONAL CONSCIOUSNESS - CYCLE REPORT"))
        #expect(text.stdout.contains("Malformed lines skipped: "))
        #expect(text.stdout.contains("Trend: BURST"))
        let json = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/s", "--now", "2025-10-08T00:00:00Z", "--json"])
        #expect(json.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(obj["cycle"] as? Int == 2)
        #expect((obj["ingest"] as? [String: Any])?["lines_read"] as? Int == 0)
        #expect((obj["patterns_detected"] as? [Any])?.isEmpty == false)
        let reports = try FileManager.default.contentsOfDirectory(atPath: dir + "/s/reports")
        #expect(reports.filter { $0.hasSuffix(".md") }.count == 2)
    }

    @Test func anEmptyWindowIsNotAnError() async throws {
        let log = try await sample()
        let r = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/s", "--now", "2026-01-01T00:00:00Z",
                                "--days", "3"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("No violations in the last 3 days."))
    }

    @Test func theLogPathComesFromTheEnvironment() async throws {
        let root = dir + "/agency"
        try FileManager.default.createDirectory(atPath: root + "/logs/autonomous_healing", withIntermediateDirectories: true)
        let log = try await sample()
        try FileManager.default.copyItem(atPath: log, toPath: root + "/logs/autonomous_healing/constitutional_violations.jsonl")
        let r = try await Binary.run(["cycle", "--now", "2025-10-08T00:00:00Z"],
                               env: ["AGENCY_ROOT": root, "STATE_DIRECTORY": dir + "/env-state"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/env-state/consciousness.sqlite"))
    }

    @Test func anUnreadableLogExits66WithOneLine() async throws {
        let r = try await Binary.run(["cycle", "--log", dir + "/nope.jsonl", "--state-dir", dir + "/s"])
        #expect(r.status == 66)
        #expect(r.stderr == "consciousness: cannot read violations log \(dir)/nope.jsonl: No such file or directory\n")
    }

    @Test func anUnwritableStateDirectoryExits73() async throws {
        let log = try await sample()
        FileManager.default.createFile(atPath: dir + "/plainfile", contents: Data())
        let r = try await Binary.run(["cycle", "--log", log, "--state-dir", dir + "/plainfile/state"])
        #expect(r.status == 73)
        #expect(r.stderr.hasPrefix("consciousness: state directory \(dir)/plainfile/state:"))
    }

    @Test(arguments: [["cycle", "--days", "0"], ["cycle", "--days", "3", "--all"], ["cycle", "--now", "soon"],
                      ["cycle", "--bogus"], ["cycle", "--days", "seven"]])
    func aBadOptionExits64(args: [String]) async throws {
        let r = try await Binary.run(args + ["--state-dir", dir + "/s"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("Error:"))
    }
}

@Suite struct MoreCommandTests {
    let dir = temporaryDirectory()

    @Test func backtestOnALogShorterThanTwoHorizonsExits65() async throws {
        let log = dir + "/short.jsonl"
        #expect(try await Binary.run(["sample", "--output", log, "--lines", "2000", "--days", "10"]).status == 0)
        let r = try await Binary.run(["backtest", "--log", log])
        #expect(r.status == 65)
        #expect(r.stderr.contains("a backtest needs two horizons (14 days)"))
        let ok = try await Binary.run(["backtest", "--log", log, "--horizon-days", "3", "--json"])
        #expect(ok.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any]
        #expect((obj?["model"] as? [String: Any])?["brier"] != nil)
        #expect((obj?["baseline"] as? [String: Any])?["mape"] != nil)
    }

    @Test func memoryPlansTheSeedMachineBesideTheSeedTable() async throws {
        let r = try await Binary.run(["memory", "--profile", "48gb"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| architect (planner) | codestral:22b-v0.1-q4_K_M | 13.4 GB | 2.29 GB | 32,768 |"))
        #expect(r.stdout.contains("The seed's table beside the computed one"))
        #expect(r.stdout.contains("✓ fits"))
        let j = try await Binary.run(["memory", "--profile", "24gb", "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect(obj?["time_shared"] as? Bool == true)
        #expect(obj?["fits"] as? Bool == true)
    }

    @Test func aRemoteOllamaHostIsRefusedInLocalOnlyMode() async throws {
        let r = try await Binary.run(["memory"], env: ["OLLAMA_HOST": "http://10.1.2.3:11434"])
        #expect(r.status == 78)
        #expect(r.stderr.contains("OLLAMA_HOST=http://10.1.2.3:11434 is not valid"))
    }
}

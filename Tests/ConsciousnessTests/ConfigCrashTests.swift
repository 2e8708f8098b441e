import Daemon
import Foundation
import Testing

/// A `consciousness daemon` child: no systemd variables and no configuration key from
/// the test's own environment, stderr to a file, and killed when dropped — a failed
/// expectation never leaves it running.
final class DaemonChild {
    let process = Process()
    let stderrPath: String

    init(dir: String, arguments: [String] = [], environment: [String: String]) throws {
        stderrPath = dir + "/stderr-\(UUID().uuidString).log"
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["daemon", "--state-dir", dir + "/state"] + arguments
        var env = ProcessInfo.processInfo.environment
        for k in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "CONSCIOUSNESS_CONFIG",
                  "STATE_DIRECTORY"] + DaemonConfig.keys { env[k] = nil }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        defer { try? err.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
    }

    deinit { kill() }

    var pid: pid_t { process.processIdentifier }

    var stderrData: Data { FileManager.default.contents(atPath: stderrPath) ?? Data() }
    var stderr: String { String(decoding: stderrData, as: UTF8.self) }

    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// The exit status once it has ended by itself within `seconds` (nil: still running,
    /// or ended by a signal — the status then is the signal's number, which is no exit).
    func exitStatus(within seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        guard !process.isRunning else { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// Waits until stderr after byte `offset` holds `text`, or the process ends.
    func waitForStderr(_ text: String, after offset: Int = 0, within seconds: Double = 10) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let d = stderrData
            let tail = String(decoding: d.count > offset ? d[offset...] : Data(), as: UTF8.self)
            if tail.contains(text) { return tail }
            if !process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// A configuration value never crashes the daemon: at start a bad value exits 78 naming
/// its key, and at a SIGHUP it is refused and the running daemon keeps its configuration.
@Suite(.serialized) struct ConfigCrashTests {
    let dir = temporaryDirectory()

    /// What each run has besides the key under test.
    var base: [String: String] {
        ["MODEL_STAGES": "off", "VIOLATIONS_LOG": dir + "/v.jsonl", "CYCLE_INTERVAL": "1h", "RUN_AT_START": "false"]
    }

    /// An empty file for --config, so no installed /etc/consciousness file takes part.
    func emptyConfig() async throws -> String {
        let f = dir + "/empty.env"
        try "".write(toFile: f, atomically: true, encoding: .utf8)
        return f
    }

    /// Starts the daemon with `key=value`: either it exits 78 naming the key, or (a value
    /// it accepts, unless `mustRefuse`) it starts, and ends with 0 at a SIGTERM. Never a
    /// signal. Decided by the process alone, so a trap in the parser cannot take the test
    /// process down with it.
    func start(_ key: String, _ value: String, mustRefuse: Bool) async throws {
        let shown = value.count > 20 ? "\(value.prefix(20))… (\(value.utf8.count) bytes)" : value
        var values = base
        values[key] = value
        let child = try await DaemonChild(dir: dir, arguments: ["--config", try emptyConfig()], environment: values)
        defer { child.kill() }
        let started = try await child.waitForStderr("started")
        let p = child.process
        if started == nil, !p.isRunning {
            #expect(p.terminationReason == .exit && p.terminationStatus == 78,
                    "\(key)=\(shown): ended with \(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus); stderr: \(child.stderr.prefix(300))")
            #expect(child.stderr.contains("configuration refused: \(key)="), "\(key)=\(shown): \(child.stderr.prefix(300))")
        } else {
            #expect(started != nil, "\(key)=\(shown): neither refused nor started; stderr: \(child.stderr.prefix(300))")
            #expect(!mustRefuse, "\(key)=\(shown) must be refused, but the daemon started")
            kill(child.pid, SIGTERM)
            let status = try await child.exitStatus(within: 10)
            #expect(status == 0, "\(key)=\(shown): SIGTERM must end it with 0, not \(p.terminationReason == .exit ? "exit" : "signal") \(p.terminationStatus); stderr: \(child.stderr.prefix(300))")
        }
    }

    static let crashing = ["inf", "nan", "1e308", "99999", String(repeating: "9", count: 100_000)]

    @Test(arguments: DaemonConfig.keys)
    func aHostileValueAtStartIsRefusedOrHarmless(key: String) async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for value in Self.crashing { try await start(key, value, mustRefuse: false) }
    }

    /// The values that crashed the daemon with SIGILL (exit 132) before it checked them.
    @Test(arguments: [("CYCLE_INTERVAL", "inf"), ("CYCLE_INTERVAL", "1e308"), ("CYCLE_INTERVAL", "1000000000d"),
                      ("STAGE_TIMEOUT", "1e308"), ("OLLAMA_HOST", "http://127.0.0.1:99999"), ("OLLAMA_HOST", "http://127.0.0.1:0")])
    func aValueThatUsedToCrashTheDaemonExits78(key: String, value: String) async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await start(key, value, mustRefuse: true)
    }

    /// One daemon, many bad reloads: each is refused naming its key and the daemon lives
    /// on; a good file is then taken.
    @Test func aBadValueAtReloadIsRefusedAndTheDaemonLivesOn() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/consciousness.env"
        let good = ["CYCLE_INTERVAL": "1h", "RUN_AT_START": "false", "MODEL_STAGES": "off", "STAGE_TIMEOUT": "10m",
                    "VIOLATIONS_LOG": dir + "/v.jsonl", "OLLAMA_HOST": "http://127.0.0.1:11434"]
        func write(_ values: [String: String]) async throws {
            try values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
                .write(toFile: file, atomically: true, encoding: .utf8)
        }
        try await write(good)
        let child = try DaemonChild(dir: dir, arguments: ["--config", file], environment: [:])
        defer { child.kill() }
        let started = try await child.waitForStderr("started")
        try #require(started != nil, "the daemon did not start: \(child.stderr.prefix(500))")

        let bad: [(String, String)] = [
            ("CYCLE_INTERVAL", "inf"), ("CYCLE_INTERVAL", "1e308"), ("CYCLE_INTERVAL", "1000000000d"),
            ("STAGE_TIMEOUT", "1e308"), ("OLLAMA_HOST", "http://127.0.0.1:99999"), ("OLLAMA_HOST", "http://127.0.0.1:0"),
            ("CYCLE_INTERVAL", String(repeating: "9", count: 100_000)),  // over PATH_MAX
            ("AGENCY_MODE", "cloud"),  // a choice
            ("MODEL_STAGES", "sometimes"),  // one of a list
            ("ENABLE_CONSCIOUSNESS", "maybe"),  // a bool
            ("USE_OPENAI_FALLBACK", "true"),  // refused by AGENCY_MODE=local_only
            ("PLANNER_MODEL", "é✓"),  // a model name
            ("VIOLATIONS_LOG", "relative.jsonl"),  // a path
            ("REPORTS_DIR", "/srv/a\u{0}b"),  // a NUL
            ("WINDOW_DAYS", "99999999999999999999"),  // an int, overflowing
            ("PLANNER_NUM_CTX", "1e308"),  // an int
            ("PROPOSAL_CONFIDENCE", "nan"),  // a number
            ("HOURLY_RATE_USD", "inf"),  // a number
            ("MORNING_REPORT_AT", "99999:00"),  // a clock time
            ("METRICS_FILE", "/tmp/metrics.txt"),  // a .prom file
        ]
        for (key, value) in bad {
            let shown = value.count > 20 ? "\(value.prefix(20))… (\(value.utf8.count) bytes)" : value
            var values = good
            values[key] = value
            try await write(values)
            let offset = child.stderrData.count
            kill(child.pid, SIGHUP)
            let logged = try await child.waitForStderr("reload refused", after: offset)
            #expect(logged?.contains("\(key)=") == true, "\(key)=\(shown): \(logged ?? "no refusal logged")")
            try #require(child.process.isRunning, "\(key)=\(shown) killed the running daemon (\(child.process.terminationReason == .exit ? "exit" : "signal") \(child.process.terminationStatus))")
        }

        // A file that is not UTF-8 at all: refused naming the file.
        try Data([0x43, 0x3D, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: file))
        var offset = child.stderrData.count
        kill(child.pid, SIGHUP)
        let notUTF8 = try await child.waitForStderr("reload refused", after: offset)
        #expect(notUTF8?.contains("CONFIG=") == true, "\(notUTF8 ?? String(child.stderr.suffix(500)))")
        try #require(child.process.isRunning)

        var fine = good
        fine["CYCLE_INTERVAL"] = "7d"
        try await write(fine)
        offset = child.stderrData.count
        kill(child.pid, SIGHUP)
        let reloaded = try await child.waitForStderr("configuration reloaded", after: offset)
        #expect(reloaded != nil, "\(child.stderr.suffix(500))")
        #expect(child.process.isRunning)
        kill(child.pid, SIGTERM)
        let status = try await child.exitStatus(within: 10)
        #expect(status == 0)
    }
}

/// Numeric options are refused by validation (exit 64, naming the option) before they
/// reach arithmetic or an allocation: no nan, no inf, nothing unbounded.
@Suite struct NumericOptionTests {
    @Test(arguments: [
        (["cycle", "--hourly-rate", "nan"], "--hourly-rate"), (["cycle", "--hourly-rate", "inf"], "--hourly-rate"),
        (["cycle", "--hourly-rate", "-1"], "--hourly-rate"),
        (["cycle", "--minutes-per-violation", "nan"], "--minutes-per-violation"),
        (["cycle", "--minutes-per-violation", "inf"], "--minutes-per-violation"),
        (["cycle", "--proposal-confidence", "nan"], "--proposal-confidence"),
        (["cycle", "--proposal-confidence", "inf"], "--proposal-confidence"),
        (["cycle", "--min-occurrences", "9223372036854775807"], "--min-occurrences"),
        (["cycle", "--days", "100000000"], "--days"),
        (["sample", "--output", "/nonexistent/consciousness-test/v.jsonl", "--days", "100000000"], "--days"),
        (["sample", "--output", "/nonexistent/consciousness-test/v.jsonl", "--days", "0"], "--days"),
        (["sample", "--output", "/nonexistent/consciousness-test/v.jsonl", "--lines", "9223372036854775807"], "--lines"),
        (["sample", "--output", "/nonexistent/consciousness-test/v.jsonl", "--lines", "-1"], "--lines"),
        (["sample", "--output", "/nonexistent/consciousness-test/v.jsonl", "--malformed-every", "-1"], "--malformed-every"),
        (["backtest", "--log", "/nonexistent/consciousness-test/v.jsonl", "--horizon-days", "9223372036854775807"], "--horizon-days"),
        (["backtest", "--log", "/nonexistent/consciousness-test/v.jsonl", "--lookback-days", "0"], "--lookback-days"),
        (["report", "--cycle", "0"], "--cycle"),
        (["cycle", "--fix-hours", "nan"], "--fix-hours"), (["cycle", "--fix-hours", "-2"], "--fix-hours"),
        (["backtest", "--profiles", "--seeds", "0"], "--seeds"), (["backtest", "--profiles", "--days", "3"], "--days"),
        (["backtest", "--profiles", "--lines", "9223372036854775807"], "--lines"),
        (["backtest", "--profiles", "--end", "yesterday"], "--end"),
        (["backtest"], "--log PATH or --profiles"),
        (["backtest", "--profiles", "--log", "/nonexistent/consciousness-test/v.jsonl"], "--log PATH or --profiles"),
    ])
    func aHostileNumberIsAUsageError(args: [String], option: String) async throws {
        // Unchecked, some of these ran for hours or until the OOM killer came: the child
        // is given five seconds, then killed.
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["MODEL_STAGES"] = "off"
        p.environment = env
        FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        try? err.close()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(5)
        while p.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let stderr = String(decoding: FileManager.default.contents(atPath: dir + "/err") ?? Data(), as: UTF8.self)
        try #require(!p.isRunning, "\(args): still running after 5 s")
        #expect(p.terminationReason == .exit && p.terminationStatus == 64, "\(args): \(p.terminationStatus) \(stderr)")
        #expect(stderr.contains(option), "\(args): \(stderr)")
    }

    @Test func theLargestAllowedDaysStillWork() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await Binary.run(["sample", "--output", dir + "/v.jsonl", "--days", "3650", "--lines", "1000"])
        #expect(r.status == 0, "\(r.stderr)")
    }
}

@testable import Doctor
import Foundation
import Testing
@testable import Trinity

/// Each check alone, passing and failing on recorded inputs.
@Suite struct CheckTests {
    let r = try! Recorded()

    /// `name: ✓/✗ detail` for each check, to compare whole rows at once.
    func row(_ c: DoctorCheck) -> String { "\(c.check): \(c.ok ? "✓" : "✗") \(c.detail)" }

    @Test func configuration() throws {
        let cases: [(file: String?, environment: [String: String], ok: Bool, detail: String)] = [
            (nil, [:], true, "the environment: every key valid"),
            (nil, ["NOT_A_KEY": "1"], true, "the environment: every key valid"),
            (try r.file("good.env", "WINDOW_DAYS=14\nFROBNICATE=yes\n"), [:], true, "every key valid (unknown, ignored: FROBNICATE)"),
            (try r.file("bad.env", "WINDOW_DAYS=0\nCYCLE_INTERVAL=soon\n"), [:], false, "WINDOW_DAYS=0 is not valid"),
            (r.dir + "/absent.env", [:], false, "cannot read \(r.dir)/absent.env"),
        ]
        for c in cases {
            let d = DoctorConfig.load(file: c.file, environment: c.environment)
            let check = Doctor.configuration(d)
            #expect(check.ok == c.ok && check.detail.contains(c.detail), "\(c): \(row(check))")
            #expect(check.ok || check.fix == "correct \(d.problems.count == 1 ? "it" : "them") \(d.whereToEdit)")
        }
        // Both bad values are named, and the checks below go on with the defaults.
        let d = DoctorConfig.load(file: try r.file("bad.env", "WINDOW_DAYS=0\nCYCLE_INTERVAL=soon\n"), environment: [:])
        #expect(d.problems.count == 2 && d.config.windowDays == 7)
    }

    @Test func localOnly() {
        let cases: [([String: String], String)] = [
            ([:], "local only: ✓ AGENCY_MODE=local_only, Ollama at http://127.0.0.1:11434 is loopback, remote fallbacks off"),
            (["OLLAMA_HOST": "http://[::1]:11434", "USE_OPENAI_FALLBACK": "false"],
             "local only: ✓ AGENCY_MODE=local_only, Ollama at http://[::1]:11434 is loopback, remote fallbacks off"),
            (["OLLAMA_HOST": "http://localhost:11434"],
             "local only: ✓ AGENCY_MODE=local_only, Ollama at http://localhost:11434 is loopback, remote fallbacks off"),
            (["OLLAMA_HOST": "http://10.1.2.3:11434"], "local only: ✗ OLLAMA_HOST=http://10.1.2.3:11434 is not loopback"),
            (["OLLAMA_HOST": "http://127.0.0.1.example.com"], "local only: ✗ OLLAMA_HOST=http://127.0.0.1.example.com is not loopback"),
            (["AGENCY_MODE": "cloud", "ENABLE_GPT5_ESCALATION": "Yes"],
             "local only: ✗ AGENCY_MODE=cloud; ENABLE_GPT5_ESCALATION=Yes"),
            (["AGENCY_MODE": "hybrid", "ENABLE_GPT5_ESCALATION": "Yes"],
             "local only: ✓ AGENCY_MODE=hybrid: Ollama at http://127.0.0.1:11434 is loopback; the Architect alone may go to ARCHITECT_API_BASE when its local model cannot serve"),
            (["AGENCY_MODE": "hybrid", "OLLAMA_HOST": "http://10.1.2.3:11434"], "local only: ✗ OLLAMA_HOST=http://10.1.2.3:11434 is not loopback"),
        ]
        for (environment, expected) in cases {
            #expect(row(LocalOnlyCheck.run(DoctorConfig.load(file: nil, environment: environment))) == expected)
        }
        let remote = LocalOnlyCheck.run(DoctorConfig.load(file: nil, environment: ["OLLAMA_HOST": "http://10.1.2.3:11434"]))
        #expect(remote.fix == "set OLLAMA_HOST=http://127.0.0.1:11434 in the environment (or a file given with --config)")
    }

    @Test func stateDirectory() throws {
        let existing = try r.directory("state")
        let file = try r.file("a-file")
        let never = { (_: String) in false }
        let cases: [(dir: String, writable: (String) -> Bool, expected: String, fix: String?)] = [
            (existing, PathChecks.writable, "state directory: ✓ \(existing) is writable", nil),
            (existing, never, "state directory: ✗ \(existing) is not writable by ann",
             "sudo chown ann \(existing), or pass --state-dir DIR"),
            (file, PathChecks.writable, "state directory: ✗ \(file) is not a directory", "remove it, or pass --state-dir DIR"),
            (existing + "/a/b", PathChecks.writable, "state directory: ✓ \(existing)/a/b does not exist yet; the first cycle creates it", nil),
            (existing + "/a/b", never, "state directory: ✗ \(existing)/a/b does not exist and \(existing) is not writable",
             "sudo install -d -o ann \(existing)/a/b, or pass --state-dir DIR"),
        ]
        for c in cases {
            let check = PathChecks.stateDirectory(c.dir, user: "ann", writable: c.writable)
            #expect(row(check) == c.expected)
            #expect(check.fix == c.fix)
        }
    }

    @Test func violationsLog() throws {
        let d = DoctorConfig.load(file: nil, environment: [:])
        let log = try r.file("logs/v.jsonl", "{}\n")
        let fifo = try r.fifo("v.fifo")
        let dir = try r.directory("logs")
        let cases: [(path: String, expected: String, fix: String?)] = [
            (log, "violations log: ✓ \(log) is readable", nil),
            (r.dir + "/none.jsonl", "violations log: ✗ \(r.dir)/none.jsonl does not exist",
             "set AGENCY_ROOT to the agent framework's checkout, or VIOLATIONS_LOG to its log, \(d.whereToEdit)"),
            (fifo, "violations log: ✗ \(fifo): it is a FIFO (named pipe), not a regular file; a violations log must be a file the agents append to",
             "point VIOLATIONS_LOG at the file the agents append to, \(d.whereToEdit)"),
            (dir, "violations log: ✗ \(dir): it is a directory, not a regular file; a violations log must be a file the agents append to",
             "point VIOLATIONS_LOG at the file the agents append to, \(d.whereToEdit)"),
        ]
        for c in cases {
            let check = PathChecks.violationsLog(c.path, d)
            #expect(row(check) == c.expected)
            #expect(check.fix == c.fix)
        }
    }

    @Test func systemdProperties() {
        let cases: [([String: String], [String])] = [
            (["LoadState": "loaded", "UnitFileState": "enabled", "ActiveState": "active", "WatchdogUSec": "1min"],
             ["unit installed: ✓ consciousness.service is loaded", "unit enabled: ✓ consciousness.service starts at boot",
              "unit active: ✓ consciousness.service is running", "watchdog: ✓ WatchdogUSec=1min"]),
            (["LoadState": "not-found", "UnitFileState": "", "ActiveState": "inactive", "WatchdogUSec": "0"],
             ["unit installed: ✗ consciousness.service is not-found", "unit enabled: ✗ consciousness.service is not installed",
              "unit active: ✗ consciousness.service is inactive",
              "watchdog: ✗ consciousness.service has no watchdog (WatchdogUSec=0)"]),
            (["LoadState": "loaded", "UnitFileState": "disabled", "ActiveState": "failed", "WatchdogUSec": "infinity"],
             ["unit installed: ✓ consciousness.service is loaded", "unit enabled: ✗ consciousness.service is disabled",
              "unit active: ✗ consciousness.service is failed",
              "watchdog: ✗ consciousness.service has no watchdog (WatchdogUSec=infinity)"]),
            ([:], ["unit installed: ✗ consciousness.service is unknown", "unit enabled: ✗ consciousness.service is unknown",
                   "unit active: ✗ consciousness.service is unknown", "watchdog: ✗ consciousness.service has no watchdog (WatchdogUSec=0)"]),
        ]
        for (properties, expected) in cases {
            #expect(SystemdChecks.checks(properties).map(row) == expected)
        }
    }

    /// systemctl itself: its answer parsed, or why there is none.
    @Test func systemctl() throws {
        let healthy = SystemdChecks.run(systemctl: try r.systemctl(stdout: Recorded.healthyUnit))
        #expect(healthy.allSatisfy(\.ok) && healthy.count == 4)
        let cases: [(String, String)] = [
            (try r.systemctl(stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.", status: 1),
             "systemd: ✗ systemctl cannot answer: System has not been booted with systemd as init system (PID 1). Can't operate."),
            (r.dir + "/no-such-systemctl", "systemd: ✗ systemctl is not installed: this machine does not run systemd"),
        ]
        for (systemctl, expected) in cases {
            #expect(SystemdChecks.run(systemctl: systemctl).map(row) == [expected])
        }
    }

    /// Planned from the built-in table on a recorded machine: the seed's 48 GB fits,
    /// 12 GB does not.
    @Test func memoryPlan() async throws {
        let d = DoctorConfig.load(file: nil, environment: [:])
        let big = await Doctor.memoryPlan(d, askOllama: false, root: try r.procRoot(totalGB: 48))
        #expect(big.ok, "\(row(big))")
        #expect(big.detail.contains(" GB of ") && big.detail.contains(" GB allowed"), "\(row(big))")
        let small = await Doctor.memoryPlan(d, askOllama: false, root: try r.procRoot(totalGB: 12))
        #expect(!small.ok)
        #expect(small.detail.hasSuffix("GB allowed on this machine"), "\(row(small))")
        #expect(small.fix?.hasPrefix("lower TRINITY_BUDGET_GB, the *_NUM_CTX wishes or OLLAMA_KV_CACHE_TYPE") == true)
        // No /proc there: the machine's size unknown, nothing can be said to fit.
        let unknown = await Doctor.memoryPlan(d, askOllama: false, root: try r.directory("empty-root"))
        #expect(!unknown.ok)
    }

    @Test func pulledModels() {
        let tags = [OllamaAPI.TagModel(name: "all-minilm:latest", size: 45 * 1024 * 1024, details: nil),
                    OllamaAPI.TagModel(name: "qwen2.5-coder:7b-instruct-q4_K_M", size: nil, details: nil)]
        let cases: [(String, [OllamaAPI.TagModel]?, String, String?)] = [
            ("all-minilm", tags, "EMBED: ✓ all-minilm is pulled (45.0 MiB)", nil),
            ("qwen2.5-coder:7b-instruct-q4_K_M", tags, "EMBED: ✓ qwen2.5-coder:7b-instruct-q4_K_M is pulled", nil),
            ("llama3.3:70b", tags, "EMBED: ✗ llama3.3:70b is not pulled", "ollama pull llama3.3:70b"),
            ("llama3.3:70b", nil, "EMBED: ✗ llama3.3:70b: not checked, Ollama does not answer",
             "start Ollama (see above), then, if `ollama list` lacks it: ollama pull llama3.3:70b"),
        ]
        for (model, tags, expected, fix) in cases {
            let check = OllamaChecks.pulled("EMBED", model, tags)
            #expect(row(check) == expected)
            #expect(check.fix == fix)
        }
    }

    /// The printed line: control characters in a detail (a path from the configuration) escaped.
    @Test func aDetailIsPrintedEscaped() {
        let c = DoctorCheck.failure("violations log", "/tmp/\u{1B}[2Jv.jsonl does not exist", fix: "set VIOLATIONS_LOG")
        #expect(c.text == "✗ violations log: /tmp/\\u{1b}[2Jv.jsonl does not exist\n    fix: set VIOLATIONS_LOG")
    }
}

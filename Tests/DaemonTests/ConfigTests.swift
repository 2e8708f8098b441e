import FeedbackLoop
import Foundation
import Testing
@testable import Daemon

@Suite struct ConfigTests {
    @Test func theShippedConfigIsValidAndComplete() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/consciousness.env").path
        let c = try DaemonConfig.load(file: file, environment: [:])
        #expect(c.unknownKeys.isEmpty)
        #expect(c.agencyMode == .localOnly)
        #expect(c.plannerModel == "codestral:22b-v0.1-q4_K_M")
        #expect(c.logPath == "/srv/agency/logs/autonomous_healing/constitutional_violations.jsonl")
        let seedKeys = ["AGENCY_MODE", "OLLAMA_HOST", "PLANNER_MODEL", "CODER_MODEL", "SCANNER_MODEL",
                        "ENABLE_GPT5_ESCALATION", "USE_OPENAI_FALLBACK", "ENABLE_CONSCIOUSNESS", "AUTONOMOUS_NIGHT_RUN",
                        "EMBEDDING_PROVIDER"]
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let keys = try EnvFile(parsing: text).values.keys
        for k in seedKeys { #expect(keys.contains(k), "the shipped config lacks the seed's \(k)") }
    }

    @Test(arguments: [
        ("CYCLE_INTERVAL", "soon", "a time span"),
        ("WINDOW_DAYS", "0", "1 to 3650"),
        ("AGENCY_MODE", "cloud", "local_only or hybrid"),
        ("ENABLE_CONSCIOUSNESS", "maybe", "true or false"),
        ("OLLAMA_HOST", "127.0.0.1:99999", "port 1–65535"),
        ("OLLAMA_HOST", "ftp://127.0.0.1:11434", "as Ollama reads OLLAMA_HOST"),
        ("OLLAMA_NUM_PARALLEL", "0", "1 to 256"),
        ("KEEP_BETWEEN_CYCLES", "controller,planner", "architect, builder, controller, embedder"),
        ("OLLAMA_HOST", "http://10.0.0.5:11434", "loopback"),
        ("OLLAMA_HOST", "http://ollama.example.com", "loopback"),
        ("ENABLE_GPT5_ESCALATION", "true", "local_only"),
        ("USE_OPENAI_FALLBACK", "yes", "local_only"),
        ("PLANNER_MODEL", "bad model; rm -rf /", "model name"),
        ("AGENCY_ROOT", "relative/path", "absolute"),
        ("PROPOSAL_CONFIDENCE", "1.5", "0.0 to 1.0"),
        ("OLLAMA_KV_CACHE_TYPE", "q2", "f16"),
        ("MORNING_REPORT_AT", "25:00", "HH:MM"),
        ("MORNING_REPORT_AT", "7", "HH:MM"),
        ("METRICS_FILE", "/var/lib/consciousness/metrics.txt", ".prom"),
        ("METRICS_FILE", "consciousness.prom", "absolute"),
        ("REPORTS_DIR", "reports", "absolute"),
    ])
    func aBadValueIsRefusedWithKeyValueAndWhatIsAllowed(key: String, value: String, hint: String) {
        #expect { try DaemonConfig.parse([key: value]) } throws: { e in
            guard let e = e as? ConfigError else { return false }
            return e.key == key && e.value.lowercased() == value.lowercased() && e.description.contains(hint)
        }
    }

    @Test func goodValuesParse() throws {
        let c = try DaemonConfig.parse([
            "CYCLE_INTERVAL": "1h30m", "OLLAMA_HOST": "http://[::1]:11434", "ENABLE_CONSCIOUSNESS": "no",
            "AGENCY_MODE": "local_only", "WINDOW_DAYS": "14", "LOG_LEVEL": "debug",
        ])
        #expect(c.cycleInterval == .seconds(5400))
        #expect(c.enableConsciousness == false)
        #expect(c.windowDays == 14)
        let m = try DaemonConfig.parse(["MORNING_REPORT_AT": "6:30", "METRICS_FILE": "/var/lib/node_exporter/c.prom",
                                        "REPORTS_DIR": "/srv/reports"])
        #expect(m.morningReportAt == ClockTime(hour: 6, minute: 30))
        #expect(m.metricsFile == "/var/lib/node_exporter/c.prom")
        #expect(m.reportsDir == "/srv/reports")
        #expect(try DaemonConfig.parse([:]).morningReportAt == ClockTime(hour: 7, minute: 0))
        // (A non-loopback OLLAMA_HOST is refused in hybrid too: HybridConfigTests.)
        for host in ["http://127.0.0.1:11434", "http://localhost:11434", "http://127.8.9.1", "http://[::1]:1"] {
            #expect(throws: Never.self) { try DaemonConfig.parse(["OLLAMA_HOST": host]) }
        }
    }

    /// OLLAMA_HOST as Ollama reads it (envconfig/config.go `Host`, `ConnectableHost`):
    /// what people's env files hold works, and means the URL a client connects to.
    @Test(arguments: [
        ("127.0.0.1:11434", "http://127.0.0.1:11434"), ("localhost", "http://localhost:11434"),
        (":11434", "http://127.0.0.1:11434"), ("0.0.0.0:11434", "http://127.0.0.1:11434"),
        ("0.0.0.0", "http://127.0.0.1:11434"), ("[::1]:8080", "http://[::1]:8080"), ("[::]:11434", "http://[::1]:11434"),
        ("http://localhost", "http://localhost:80"), ("http://127.0.0.1:11434/", "http://127.0.0.1:11434"),
        (" 127.0.0.1:11500 ", "http://127.0.0.1:11500"),
    ])
    func ollamaHostInOllamasSyntax(value: String, url: String) throws {
        #expect(try DaemonConfig.parse(["OLLAMA_HOST": value]).ollamaHost == url)
    }

    /// The KV arithmetic follows how Ollama is configured: a quantized cache only with
    /// flash attention; OLLAMA_NUM_PARALLEL multiplies the cache; the model cap.
    @Test func ollamasServerSettingsReachTheGovernor() throws {
        #expect(try DaemonConfig.parse(["OLLAMA_KV_CACHE_TYPE": "q8_0"]).cacheType == .f16)
        #expect(try DaemonConfig.parse(["OLLAMA_KV_CACHE_TYPE": "q8_0", "OLLAMA_FLASH_ATTENTION": "1"]).cacheType == .q8_0)
        let one = try DaemonConfig.parse([:]), four = try DaemonConfig.parse(["OLLAMA_NUM_PARALLEL": "4"])
        var w1: [String] = [], w4: [String] = []
        let kv1 = one.builtInProfiles(.f16, warnings: &w1).first { $0.role == .builder }!.kvBytesPerToken!
        let kv4 = four.builtInProfiles(.f16, warnings: &w4).first { $0.role == .builder }!.kvBytesPerToken!
        #expect(kv4 == 4 * kv1)
        #expect(four.governorSettings.numParallel == 4)
        #expect(one.governorSettings.maxLoadedModels == 3)  // 0: Ollama's default, 3
        let two = try DaemonConfig.parse(["OLLAMA_MAX_LOADED_MODELS": "2"]).governorSettings
        #expect(two.maxLoadedModels == 2)
        let none = try DaemonConfig.parse(["KEEP_BETWEEN_CYCLES": "none", "MODEL_STAGES": "auto"])
        #expect(none.keepBetweenCycles.count == 0)
    }

    @Test func unknownKeysOfTheFileAreWarnedNotFatal() throws {
        let dir = NSTemporaryDirectory() + "cc-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# comment\nexport WINDOW_DAYS=3\nCYCLE_INTERVAL='30m'\nTYPO_KEY=1\n".write(toFile: dir + "/c.env", atomically: true, encoding: .utf8)
        let c = try DaemonConfig.load(file: dir + "/c.env", environment: ["WINDOW_DAYS": "9", "PATH": "/bin"])
        #expect(c.windowDays == 3)  // the file wins over the environment
        #expect(c.cycleInterval == .seconds(1800))
        #expect(c.unknownKeys == ["TYPO_KEY"])
        try "NOT A KEY VALUE LINE\n".write(toFile: dir + "/bad.env", atomically: true, encoding: .utf8)
        #expect { try DaemonConfig.load(file: dir + "/bad.env", environment: [:]) } throws: { e in
            (e as? ConfigError)?.description.contains("line 1") == true
        }
    }
}

@Suite struct ScheduleTests {
    let hour = Schedule(interval: .seconds(3600))
    let t0: Int64 = 1_764_000_000_000_000 - 1_764_000_000_000_000 % 3_600_000_000  // an hour boundary

    @Test func cyclesAlignToTheWallClock() {
        #expect(hour.isDue(now: t0 + 5, lastSlot: nil))
        let slot = hour.slot(at: t0 + 5)
        #expect(!hour.isDue(now: t0 + 3_599_000_000, lastSlot: slot))
        #expect(hour.isDue(now: t0 + 3_600_000_000, lastSlot: slot))
        #expect(hour.nextDue(after: slot) == t0 + 3_600_000_000)
    }

    @Test func missedCyclesRunOnceAfterASuspend() {
        let slot = hour.slot(at: t0)
        // Five hours asleep: due now, and after running it is not due again until the next hour.
        let wake = t0 + 5 * 3_600_000_000 + 60_000_000
        #expect(hour.isDue(now: wake, lastSlot: slot))
        #expect(!hour.isDue(now: wake + 1, lastSlot: hour.slot(at: wake)))
    }

    @Test func aClockSetBackNeitherRepeatsNorSkips() {
        let slot = hour.slot(at: t0 + 10)
        // The clock jumps back an hour: the slot already run is not run again…
        #expect(!hour.isDue(now: t0 - 3_000_000_000, lastSlot: slot))
        #expect(!hour.isDue(now: t0 + 20, lastSlot: slot))
        // …and the next one runs when the wall clock reaches it.
        #expect(hour.isDue(now: t0 + 3_600_000_000, lastSlot: slot))
    }
}

@Suite struct EmbedderChoiceTests {
    /// The seed's sentence-transformers is all-minilm; `ollama` takes EMBEDDING_MODEL;
    /// `hash` asks no model.
    @Test(arguments: [
        (["EMBEDDING_PROVIDER": "sentence-transformers"], "all-minilm:latest"),
        (["EMBEDDING_PROVIDER": "sentence-transformers", "EMBEDDING_MODEL": "all-minilm:l6-v2"], "all-minilm:l6-v2"),
        (["EMBEDDING_PROVIDER": "ollama", "EMBEDDING_MODEL": "nomic-embed-text"], "nomic-embed-text"),
        (["EMBEDDING_PROVIDER": "hash"], nil),
    ] as [([String: String], String?)])
    func providerChoosesTheModel(env: [String: String], model: String?) throws {
        #expect(try DaemonConfig.load(file: nil, environment: env).embedder == model)
    }

    /// Another model named beside sentence-transformers is refused, not silently replaced.
    @Test func sentenceTransformersWithAnotherModelIsRefused() throws {
        #expect(throws: ConfigError.self) {
            try DaemonConfig.load(file: nil, environment: ["EMBEDDING_PROVIDER": "sentence-transformers",
                                                            "EMBEDDING_MODEL": "nomic-embed-text"])
        }
        do {
            _ = try DaemonConfig.load(file: nil, environment: ["EMBEDDING_PROVIDER": "sentence-transformers", "EMBEDDING_MODEL": "nomic-embed-text"])
        } catch let e as ConfigError {
            #expect(e.key == "EMBEDDING_MODEL" && e.allowed.contains("EMBEDDING_PROVIDER=ollama"))
        }
    }

    /// Every key the daemon reads is in the shipped file (set or commented out), so a
    /// person finds each one with its default and why.
    @Test func theShippedConfigNamesEveryKey() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/consciousness.env").path
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let named = Set(text.split(separator: "\n").compactMap { line -> String? in
            let l = line.hasPrefix("#") ? line.dropFirst() : line[...]
            guard let eq = l.firstIndex(of: "="), l[..<eq].allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) else { return nil }
            return String(l[..<eq])
        })
        for k in DaemonConfig.keys { #expect(named.contains(k), "config/consciousness.env does not mention \(k)") }
    }

    /// The night run keeps scheduled cycles between NIGHT_STARTS_AT and MORNING_REPORT_AT.
    @Test func theNightWindowSpansMidnight() throws {
        let utc = TimeZone(identifier: "UTC")!
        let w = NightWindow(start: ClockTime(hour: 22, minute: 0), end: ClockTime(hour: 7, minute: 0), zone: utc)
        let at = { (s: String) in Timestamp.parse(s)! }
        #expect(w.contains(at("2026-12-02T22:00:00Z")) && w.contains(at("2026-12-03T03:30:00Z")))
        #expect(!w.contains(at("2026-12-03T07:00:00Z")) && !w.contains(at("2026-12-02T12:00:00Z")))
        let hour = Timestamp.microsPerHour
        #expect(w.firstDue(interval: hour, from: at("2026-12-02T12:00:00Z")) == at("2026-12-02T22:00:00Z"))
        #expect(w.firstDue(interval: hour, from: at("2026-12-03T02:00:00Z")) == at("2026-12-03T02:00:00Z"))
        // Twelve-hourly, boundaries at 00:00 and 12:00 UTC: a window 01:00–07:00 holds none,
        // and its cycle is due at the opening.
        let early = NightWindow(start: ClockTime(hour: 1, minute: 0), end: ClockTime(hour: 7, minute: 0), zone: utc)
        #expect(early.firstDue(interval: 12 * hour, from: at("2026-12-02T12:00:00Z")) == at("2026-12-03T01:00:00Z"))
        #expect(throws: ConfigError.self) {
            try DaemonConfig.load(file: nil, environment: ["AUTONOMOUS_NIGHT_RUN": "true", "NIGHT_STARTS_AT": "07:00"])
        }
        let c = try DaemonConfig.load(file: nil, environment: ["AUTONOMOUS_NIGHT_RUN": "true", "NIGHT_STARTS_AT": "23:30"])
        #expect(c.autonomousNightRun && c.nightStartsAt == ClockTime(hour: 23, minute: 30))
    }
}

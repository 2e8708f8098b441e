import Foundation
import Testing

/// The `ollama-sim` executable beside the `consciousness` binary, on a free loopback port.
final class SimulatorProcess {
    let process = Process()
    let url: String

    init(_ extra: [String] = []) throws {
        let path = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().appendingPathComponent("ollama-sim").path
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0", "--load-seconds-per-gb", "0"] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // It prints "ollama-sim listening on http://127.0.0.1:PORT" once it listens.
        var text = ""
        while !text.contains("\n") {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        guard let r = text.range(of: "listening on ") else {
            process.terminate()
            throw SimulatorFailed(output: text)
        }
        url = String(text[r.upperBound...].prefix { $0 != "\n" })
    }

    struct SimulatorFailed: Error { var output: String }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

/// `consciousness doctor` against a simulated Ollama and a dead endpoint, with recorded
/// /proc files and a script standing in for systemctl.
@Suite struct DoctorCommandTests {
    let dir = temporaryDirectory()

    /// A 48 GB machine, an agency checkout with its log, a configuration file.
    func machine(ollama: String, extra: String = "") async throws -> (config: String, root: String) {
        let root = dir + "/root"
        try FileManager.default.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
        try "MemTotal: 48000000 kB\nMemFree: 44000000 kB\nMemAvailable: 44000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n"
            .write(toFile: root + "/proc/meminfo", atomically: true, encoding: .utf8)
        let logs = dir + "/agency/logs/autonomous_healing"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: logs + "/constitutional_violations.jsonl", contents: Data())
        let config = dir + "/consciousness.env"
        try "AGENCY_MODE=local_only\nOLLAMA_HOST=\(ollama)\nAGENCY_ROOT=\(dir)/agency\n\(extra)"
            .write(toFile: config, atomically: true, encoding: .utf8)
        return (config, root)
    }

    /// A systemctl that prints `output` and exits with `status`.
    func systemctl(_ output: String, status: Int = 0) async throws -> String {
        let path = dir + "/systemctl"
        try "#!/bin/sh\nprintf '\(output)'\nexit \(status)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    static let healthyUnit = "LoadState=loaded\\nUnitFileState=enabled\\nActiveState=active\\nWatchdogUSec=1min\\n"

    func doctor(_ m: (config: String, root: String), systemctl: String, json: Bool = false) async throws -> Binary.Result {
        try await Binary.run(["doctor", "--config", m.config, "--root", m.root, "--state-dir", dir + "/state",
                        "--systemctl", systemctl] + (json ? ["--json"] : []))
    }

    /// Each line's mark by check name.
    func marks(_ out: String) -> [String: String] {
        var d: [String: String] = [:]
        for line in out.split(separator: "\n") where line.hasPrefix("✓ ") || line.hasPrefix("✗ ") {
            let body = line.dropFirst(2)
            if let colon = body.firstIndex(of: ":") { d[String(body[..<colon])] = String(line.prefix(1)) }
        }
        return d
    }

    @Test func everythingInPlacePasses() async throws {
        let sim = try SimulatorProcess()
        let m = try await machine(ollama: sim.url)
        let r = try await doctor(m, systemctl: try systemctl(Self.healthyUnit))
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(marks(r.stdout) == [
            "configuration": "✓", "ollama": "✓", "PLANNER_MODEL": "✓", "CODER_MODEL": "✓", "SCANNER_MODEL": "✓",
            "embedding model": "✓", "local only": "✓", "memory plan": "✓", "state directory": "✓",
            "violations log": "✓", "unit installed": "✓", "unit enabled": "✓", "unit active": "✓", "watchdog": "✓",
        ])
        #expect(r.stdout.contains("✓ ollama: answers at \(sim.url) (4 models pulled)"))
        #expect(r.stdout.hasSuffix("All 14 checks pass.\n"))
    }

    @Test func aMissingModelAndAStoppedUnitSayHowToFixThem() async throws {
        let sim = try SimulatorProcess()
        let m = try await machine(ollama: sim.url, extra: "PLANNER_MODEL=llama3.3:70b\nEMBEDDING_PROVIDER=ollama\nEMBEDDING_MODEL=nomic-embed-text\n")
        let unit = "LoadState=loaded\\nUnitFileState=disabled\\nActiveState=inactive\\nWatchdogUSec=0\\n"
        let r = try await doctor(m, systemctl: try systemctl(unit))
        #expect(r.status == 69)
        let marks = marks(r.stdout)
        #expect(marks["PLANNER_MODEL"] == "✗" && marks["CODER_MODEL"] == "✓" && marks["embedding model"] == "✗")
        #expect(r.stdout.contains("✗ PLANNER_MODEL: llama3.3:70b is not pulled\n    fix: ollama pull llama3.3:70b\n"))
        #expect(r.stdout.contains("    fix: ollama pull nomic-embed-text\n"))
        #expect(marks["unit installed"] == "✓" && marks["unit enabled"] == "✗" && marks["unit active"] == "✗" && marks["watchdog"] == "✗")
        #expect(r.stdout.contains("    fix: sudo systemctl enable consciousness\n"))
        #expect(r.stdout.hasSuffix("5 of 14 checks failed.\n"))
    }

    @Test func aDeadEndpointAndNoSystemd() async throws {
        let m = try await machine(ollama: "http://127.0.0.1:9")
        let noSystemd = try await systemctl("", status: 1)
        let r = try await doctor(m, systemctl: noSystemd)
        #expect(r.status == 69)
        #expect(marks(r.stdout) == [
            "configuration": "✓", "ollama": "✗", "PLANNER_MODEL": "✗", "CODER_MODEL": "✗", "SCANNER_MODEL": "✗",
            "embedding model": "✗", "local only": "✓", "memory plan": "✓", "state directory": "✓",
            "violations log": "✓", "systemd": "✗",
        ])
        #expect(r.stdout.contains("✗ ollama: Ollama at 127.0.0.1 is unreachable"))
        #expect(r.stdout.contains("fix: start Ollama so it listens on http://127.0.0.1:9"))
        #expect(r.stdout.contains("ollama pull codestral:22b-v0.1-q4_K_M"))
        let json = try await doctor(m, systemctl: dir + "/no-such-systemctl", json: true)
        #expect(json.status == 69)
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(obj?["ok"] as? Bool == false)
        let checks = obj?["checks"] as? [[String: Any]] ?? []
        let systemd = checks.first { $0["check"] as? String == "systemd" }
        #expect(systemd?["ok"] as? Bool == false)
        #expect((systemd?["detail"] as? String)?.contains("not installed") == true)
        #expect(checks.first { $0["check"] as? String == "local only" }?["ok"] as? Bool == true)
    }

    /// A remote endpoint in local_only mode: the daemon would refuse to start; the doctor
    /// says so, names the fix, and checks the rest.
    @Test func aRemoteEndpointIsNotLocalOnly() async throws {
        let m = try await machine(ollama: "http://10.1.2.3:11434", extra: "USE_OPENAI_FALLBACK=true\n")
        try FileManager.default.removeItem(atPath: dir + "/agency/logs/autonomous_healing/constitutional_violations.jsonl")
        let r = try await doctor(m, systemctl: try systemctl(Self.healthyUnit))
        #expect(r.status == 69)
        let marks = marks(r.stdout)
        #expect(marks["configuration"] == "✗" && marks["local only"] == "✗" && marks["violations log"] == "✗")
        #expect(r.stdout.contains("OLLAMA_HOST=http://10.1.2.3:11434 is not loopback; USE_OPENAI_FALLBACK=true"))
        #expect(r.stdout.contains("fix: set OLLAMA_HOST=http://127.0.0.1:11434, USE_OPENAI_FALLBACK=false in \(m.config)"))
    }
}

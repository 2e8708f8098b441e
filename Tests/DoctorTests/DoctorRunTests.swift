import Doctor
import Foundation
import OllamaSimulator
import Testing

/// `Doctor.run` whole: every check in order, against the Ollama simulator in this
/// process or a dead endpoint, a recorded 48 GB machine and a stand-in systemctl.
@Suite(.serialized) struct DoctorRunTests {
    let r = try! Recorded()

    /// A configuration file naming `ollama`, and an agency checkout with an empty log.
    func doctor(ollama: String, systemctl: String) throws -> Doctor {
        _ = try r.file("agency/logs/autonomous_healing/constitutional_violations.jsonl")
        let config = try r.file("consciousness.env", "AGENCY_MODE=local_only\nOLLAMA_HOST=\(ollama)\nAGENCY_ROOT=\(r.dir)/agency\n")
        return Doctor(configFile: config, environment: [:], stateDirectory: r.dir + "/state", root: try r.procRoot(totalGB: 48),
                      systemctl: systemctl, user: "ann")
    }

    @Test func everythingInPlacePasses() async throws {
        let sim = OllamaSimulator()
        try await sim.start()
        let url = await sim.baseURL
        let report = await (try doctor(ollama: url, systemctl: try r.systemctl(stdout: Recorded.healthyUnit))).run()
        try? await sim.stop()
        #expect(report.checks.map(\.check) == [
            "configuration", "ollama", "PLANNER_MODEL", "CODER_MODEL", "SCANNER_MODEL", "embedding model", "local only",
            "memory plan", "state directory", "violations log", "unit installed", "unit enabled", "unit active", "watchdog",
        ])
        #expect(report.ok, "\(report.text())")
        #expect(report.checks[1].detail == "answers at \(url) (4 models pulled)")
        #expect(report.text().hasSuffix("\n\nAll 14 checks pass.\n"))
    }

    /// Ollama down: it and every model fail with their fixes; the memory plan comes from
    /// the built-in table without asking again; no systemd is one failure.
    @Test func aDeadEndpointAndNoSystemd() async throws {
        let report = await (try doctor(ollama: "http://127.0.0.1:9", systemctl: r.dir + "/no-such-systemctl")).run()
        let failed = report.checks.filter { !$0.ok }.map(\.check)
        #expect(failed == ["ollama", "PLANNER_MODEL", "CODER_MODEL", "SCANNER_MODEL", "embedding model", "systemd"])
        #expect(!report.ok)
        #expect(report.checks[1].fix?.hasPrefix("start Ollama so it listens on http://127.0.0.1:9") == true)
        #expect(report.text().hasSuffix("\n\n6 of 11 checks failed.\n"))
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect(json?["ok"] as? Bool == false)
        #expect(json?["config_file"] as? String == r.dir + "/consciousness.env")
        #expect((json?["checks"] as? [[String: Any]])?.count == 11)
    }
}

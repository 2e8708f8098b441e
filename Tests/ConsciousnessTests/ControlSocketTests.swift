import FeedbackLoop
import Foundation
import SampleLog
import StateStore
import Testing

/// The command line as the running daemon's client: a real daemon process serving its
/// control socket, and the commands a person runs against it.
@Suite(.serialized) struct ControlSocketTests {
    let dir = temporaryDirectory()

    func startDaemon(log: String, state: String, socket: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["daemon", "--state-dir", state]
        var env = ProcessInfo.processInfo.environment
        for k in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "CONSCIOUSNESS_CONFIG", "RUNTIME_DIRECTORY"] { env[k] = nil }
        env["VIOLATIONS_LOG"] = log
        env["MODEL_STAGES"] = "off"
        env["RUN_AT_START"] = "false"
        // Its own cycles a week apart (Thursdays, 00:00 UTC): at the hourly default a run
        // across the hour saw the scheduled cycle too — next cycle in 0 s, and cycle 3
        // where the triggered one, 2, was awaited (CI at 16:00; reproduced with 2 s).
        env["CYCLE_INTERVAL"] = "7d"
        env["CONTROL_SOCKET"] = socket
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func json(_ r: Binary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\(r.stderr)")
    }

    @Test func theCommandLineTalksToTheRunningDaemon() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/violations.jsonl", state = dir + "/state", socket = dir + "/run/consciousness.sock"
        // Ending now: the cycles' analysis window (the last 7 days) holds it, so there are proposals.
        var sample = SampleLog(lines: 3_000, days: 14, end: Int64(Date().timeIntervalSince1970) * 1_000_000)
        sample.malformedEvery = 500
        try sample.write(to: log)
        let first = try await Binary.run(["cycle", "--log", log, "--state-dir", state], env: ["MODEL_STAGES": "off"])
        #expect(first.status == 0, "\(first.stderr)")
        let daemon = try startDaemon(log: log, state: state, socket: socket)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let client = ["CONSCIOUSNESS_SOCKET": socket, "STATE_DIRECTORY": dir + "/elsewhere"]
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await Binary.run(["status", "--json"], env: client).status) == 0
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up, "the daemon's socket never answered")

        // The socket: owner and group only.
        let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
        #expect(mode == 0o660)

        // status: the daemon's view (running, PID, next cycle ahead), its store's cycle.
        let s = try json(try await Binary.run(["status", "--json"], env: client))
        #expect(s["running"] as? Bool == true)
        #expect(s["pid"] as? Int == Int(daemon.processIdentifier))
        #expect((s["last_cycle"] as? [String: Any])?["cycle"] as? Int == 1)
        #expect((s["next_cycle_in_seconds"] as? Int ?? -1) > 0)
        #expect(s["state_directory"] as? String == state)
        let text = try await Binary.run(["status"], env: client)
        #expect(text.stdout.hasPrefix("● consciousness"))
        #expect(text.stdout.contains("Active: active (running) since "))
        #expect(text.stdout.contains("Main PID: \(daemon.processIdentifier) (consciousness)"))
        #expect(text.stdout.contains("Next cycle: in "))

        // The same answers as reading the state directory.
        let viaDaemon = try await Binary.run(["proposals", "list"], env: client)
        let direct = try await Binary.run(["proposals", "list", "--state-dir", state])
        #expect(viaDaemon.status == 0 && viaDaemon.stdout == direct.stdout)
        #expect(direct.stdout.hasPrefix("#1 pending") && direct.stdout.contains("#2 pending"), "\(direct.stdout)")
        let report = try await Binary.run(["report"], env: client)
        #expect(report.stdout == (try await Binary.run(["report", "--state-dir", state])).stdout)

        // A rejection through the daemon records the kernel's word on who asked.
        let reject = try await Binary.run(["proposals", "reject", "2", "--reason", "not this week"], env: client)
        #expect(reject.status == 0, "\(reject.stderr)")
        let shown = try json(try await Binary.run(["proposals", "show", "2", "--json"], env: client))
        let decision = try #require((shown["decisions"] as? [[String: Any]])?.last)
        #expect((decision["peer"] as? String)?.hasPrefix("uid \(geteuid())") == true, "\(decision)")
        #expect(decision["reason"] as? String == "not this week")

        // An approval: committed here, as this process, the decision recorded by the daemon.
        let repo = try await Repo.make(in: dir)
        let approve = try await Binary.run(["proposals", "approve", "1", "--agency-root", repo.root], env: client.merging(Repo.isolation) { $1 })
        #expect(approve.status == 0, "\(approve.stderr)")
        let branch = try await repo.branch(of: 1)
        #expect(approve.stdout.contains("branch \(branch)"))
        let approved = try StateStore(directory: state).decisions(proposal: 1).last
        #expect(approved?.decision == .approved && approved?.branch == branch && approved?.user == "Test Person <test@example.com>")
        #expect(approved?.peer?.hasPrefix("uid \(geteuid())") == true)
        let again = try await Binary.run(["proposals", "approve", "1", "--agency-root", repo.root], env: client.merging(Repo.isolation) { $1 })
        #expect(again.status == 65 && again.stderr.contains("not pending"), "\(again.stderr)")

        // A cycle now, asked for over the socket.
        let trigger = try await Binary.run(["trigger"], env: client)
        #expect(trigger.status == 0, "\(trigger.stderr)")
        var second = false
        for _ in 0..<100 where !second {
            let c = try? json(try await Binary.run(["status", "--json"], env: client))
            second = (c?["last_cycle"] as? [String: Any])?["cycle"] as? Int == 2
            if !second { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(second, "the triggered cycle never ran")

        // Stopped: the command reads the state directory, and says nothing is coming.
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        let after = try await Binary.run(["status"], env: ["CONSCIOUSNESS_SOCKET": socket, "STATE_DIRECTORY": state])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.hasPrefix("○ consciousness"))
        #expect(after.stdout.contains("Next cycle: none scheduled"))
        let stopped = try json(try await Binary.run(["status", "--json"], env: ["CONSCIOUSNESS_SOCKET": socket, "STATE_DIRECTORY": state]))
        #expect(stopped["running"] as? Bool == false && stopped["pid"] == nil)
        let trigger2 = try await Binary.run(["trigger"], env: ["CONSCIOUSNESS_SOCKET": socket])
        #expect(trigger2.status == 69 && trigger2.stderr.contains("no daemon answers"))
    }
}

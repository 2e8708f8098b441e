import FeedbackLoop
import Foundation
import SampleLog
import Testing

/// The closed loop against a real git repository, in the order it happens: the log up
/// to the day a fix lands, a cycle that proposes, the person approving two proposals
/// and merging one and squashing the other that day, the rest of the log (the
/// researcher's violations fall by 85% from the fix on; the planner's do not change),
/// and a cycle that finds both merges with git and measures what each did.
@Suite struct FixEffectTests {
    let dir = temporaryDirectory()

    @Test func mergedFixesAreFoundAndTheirEffectMeasured() async throws {
        let repo = try await Repo.make(in: dir)
        let end = Timestamp.hour(of: Int64(Date().timeIntervalSince1970 * 1_000_000)) * Int32(1)
        var log = SampleLog(lines: 20_000, days: 42, end: Int64(end) * Timestamp.microsPerHour + Timestamp.microsPerHour - 1)
        log.seed = 7
        log.functions = [
            SampleFunction("create_researcher_agent", .fixed, errors: ["Article IV violated: findings not persisted ({n} items)"]),
            SampleFunction("create_planner_agent", .steady, errors: ["Article II violated: No test infrastructure found"]),
        ]
        let path = dir + "/v.jsonl", state = dir + "/state"
        let hours = log.days * 24
        let fixHour = log.startHour + Int32((RateProfile.fixAt * Double(hours - 1)).rounded(.up))
        let fixAt = Int64(fixHour) * Timestamp.microsPerHour
        var before = "", after = ""
        try log.generate { line in
            // {"timestamp": "…", …}: the lines before the fix's hour, then the rest.
            let stamp = line.dropFirst(15).prefix { $0 != "\"" }
            if (Timestamp.parse(String(stamp)) ?? 0) < fixAt { before += line + "\n" } else { after += line + "\n" }
        }
        try before.write(toFile: path, atomically: false, encoding: .utf8)
        let env = Repo.isolation.merging(["AGENCY_ROOT": repo.root]) { $1 }

        let first = try await Binary.run(["cycle", "--log", path, "--state-dir", state, "--json",
                                          "--now", Timestamp.iso8601(fixAt)], env: env)
        #expect(first.status == 0, "\(first.stderr)")
        let proposals = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [String: Any]
        let ids = Dictionary(uniqueKeysWithValues: (proposals["proposals"] as! [[String: Any]]).map {
            (($0["proposal"] as! [String: Any])["agent"] as! String, $0["id"] as! Int)
        })
        let researcher = try #require(ids["researcher"]), planner = try #require(ids["planner"])
        for id in [researcher, planner] {
            let r = try await Binary.run(["proposals", "approve", "\(id)", "--state-dir", state, "--agency-root", repo.root], env: env)
            #expect(r.status == 0, "\(r.stderr)")
        }
        // The person merges one and squashes the other, on the day the fix landed.
        let date = "@\(Int64(fixHour) * 3600 + 1800) +0000"
        let dated = ["GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date]
        _ = try await repo.gitResult(["-c", "user.name=P", "-c", "user.email=p@example.com", "merge", "--no-ff", "-q",
                                      "-m", "merge researcher fix", repo.branch(of: Int64(researcher))], env: dated)
        _ = try await repo.gitResult(["merge", "--squash", "-q", repo.branch(of: Int64(planner))], env: dated)
        _ = try await repo.gitResult(["-c", "user.name=P", "-c", "user.email=p@example.com", "commit", "-q",
                                      "-m", "planner fix, squashed"], env: dated)

        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(after.utf8))
        try handle.close()
        let second = try await Binary.run(["cycle", "--log", path, "--state-dir", state, "--json"], env: env)
        #expect(second.status == 0, "\(second.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as! [String: Any]
        let fixes = try #require(report["fixes"] as? [[String: Any]])
        #expect(fixes.count == 2)
        for f in fixes { print("closed loop: \(f["summary"] as? String ?? "?")") }
        for f in fixes {
            // Found within a day of the merge (the commit is half an hour into the fix's hour).
            #expect(abs((f["merged_at"] as! Int64) - fixAt) <= Timestamp.microsPerDay)
        }
        let r = try #require(fixes.first { $0["agent"] as? String == "researcher" })
        #expect(r["how"] as? String == "merged")
        #expect(r["verdict"] as? String == "worked")
        // The generated effect is −85%: measured within ±15% of it.
        let change = (r["ratio"] as! Double) - 1
        #expect(abs(change - (-RateProfile.fixEffect)) <= 0.15 * RateProfile.fixEffect, "measured \(change)")
        let p = try #require(fixes.first { $0["agent"] as? String == "planner" })
        #expect(p["how"] as? String == "text")
        #expect(p["verdict"] as? String == "no_effect")
        #expect((p["summary"] as? String)?.contains("no measurable effect") == true)

        let status = try await Binary.run(["status", "--state-dir", state], env: env)
        #expect(status.stdout.contains("fix for researcher merged"))
        let show = try await Binary.run(["proposals", "show", "\(researcher)", "--state-dir", state], env: env)
        #expect(show.stdout.contains("Effect: fix for researcher merged"))
        let metrics = try String(contentsOfFile: state + "/consciousness.prom", encoding: .utf8)
        #expect(metrics.contains("consciousness_fix_effect_ratio{proposal=\"\(researcher)\",agent=\"researcher\",verdict=\"worked\"}"))
    }
}

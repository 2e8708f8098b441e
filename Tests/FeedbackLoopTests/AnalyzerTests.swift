import Foundation
import Testing
@testable import FeedbackLoop

@Suite struct AnalyzerTests {
    let now = Timestamp.parse("2025-10-08T00:30:00Z")!

    func row(_ f: String, _ sig: String, hoursAgo: Int32, count: Int64) -> BucketRow {
        let hour = Timestamp.hour(of: now) - hoursAgo
        let t = Int64(hour) * Timestamp.microsPerHour
        return BucketRow(function: f, signature: sig, articles: ArticleSet.parse(sig), hour: hour,
                         totals: BucketTotals(count: count, first: t + 1, last: t + 2, severityMask: 1),
                         severities: ["BLOCKER"])
    }

    /// The seed's README: create_mock_agent, 150 violations in 7 days, "Cost:
    /// $156,000/year, ROI: 520x (2 hours fix → 1040 hours saved/year)".
    @Test func roiAndConfidenceAsTheOriginal() {
        let rows = (0..<150).map { row("create_mock_agent", "Article I: Incomplete context", hoursAgo: Int32($0), count: 1) }
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        let p = a.patterns[0]
        #expect(a.violationsAnalyzed == 150)
        #expect(abs(p.roiHoursSaved - 1040) < 1e-9)
        #expect(abs(p.roiCostSaved - 156_000) < 1e-6)
        #expect(p.confidence == 0.95)
        #expect(p.patternID == "pattern_create_mock_agent")
        #expect(p.agent == "test_infrastructure")
        #expect(p.fixSuggestion == "Consider test isolation exception OR refactor test infrastructure")
    }

    @Test func threeOccurrencesMakeAPatternAndTheWindowCounts() {
        let rows = [
            row("create_planner_agent", "Article II violated: No test infrastructure found", hoursAgo: 1, count: 2),
            row("create_planner_agent", "Article II violated: No test infrastructure found", hoursAgo: 30, count: 1),
            row("rare_fn", "Article I: x", hoursAgo: 2, count: 2),
            row("old_fn", "Article V violated: #%", hoursAgo: 24 * 8, count: 50),  // outside 7 days
        ]
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        #expect(a.violationsAnalyzed == 5)
        #expect(a.patterns.map(\.functionName) == ["create_planner_agent"])
        #expect(a.patterns[0].confidence == 0.63)
        #expect(a.patterns[0].articlesViolated == ["Article II"])
        let all = Analyzer.analyze(rows, window: .all(firstHour: rows.map(\.hour).min(), now: now))
        #expect(all.patterns.map(\.functionName) == ["old_fn", "create_planner_agent"])
        #expect(all.patterns[0].fixSuggestion.contains("spec.md"))
    }

    @Test func evolveProposesPerAgentAboveTheThreshold() {
        var rows = (0..<30).map { row("create_planner_agent", "Article II violated: x", hoursAgo: Int32($0), count: 1) }
        rows += [row("create_toolsmith_agent", "Article I: y", hoursAgo: 3, count: 3)]
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        let proposals = Evolver.propose(a.patterns)
        // planner: 0.6 + 0.30 + min(30/100, 0.2) = 1.1 → 0.95; toolsmith: 0.63 + 0.03 = 0.66 < 0.8.
        #expect(proposals.map(\.agent) == ["planner"])
        #expect(proposals[0].confidence == 0.95)
        #expect(proposals[0].markdown.contains("Article II"))
        #expect(proposals[0].targetFile == ".claude/agents/planner-delta.md")
    }

    @Test func hostileFunctionNamesGiveSafeAgentNames() {
        #expect(AgentName.infer(fromFunction: "create_planner_agent") == "planner")
        #expect(AgentName.infer(fromFunction: "create_auditor_agent") == "auditor")
        #expect(AgentName.infer(fromFunction: "do_something") == "general")
        for hostile in ["create_../../etc/passwd_agent", "create_/abs/path_agent", "create_a\u{0}b_agent",
                        "create_\u{0430}dmin_agent", "create_" + String(repeating: "x", count: 500) + "_agent",
                        "create_.._agent"] {
            let name = AgentName.infer(fromFunction: hostile)
            #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            #expect(!name.isEmpty && name.count <= AgentName.maxLength)
            #expect(!name.contains(".."))
        }
    }

    @Test func reportJSONKeepsTheOriginalKeys() throws {
        let rows = (0..<10).map { row("create_mock_agent", "Article I: x", hoursAgo: Int32($0), count: 1) }
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        let report = CycleReport(cycle: 1, timestamp: now, analysis: a, ingest: nil, proposals: [], stages: [])
        let obj = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
        for key in ["cycle_timestamp", "summary", "violations_analyzed", "patterns_detected",
                    "total_roi_potential", "vectorstore_updated"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        let p = (obj["patterns_detected"] as! [[String: Any]])[0]
        for key in ["pattern_id", "function_name", "articles_violated", "frequency", "confidence",
                    "roi_hours_saved", "roi_cost_saved", "fix_suggestion", "trend"] {
            #expect(p[key] != nil, "missing \(key)")
        }
        #expect(obj["summary"] as? String == "Analyzed 10 violations, found 1 patterns, $10,400/year potential savings")
        #expect(obj["vectorstore_updated"] as? Bool == false)
    }
}

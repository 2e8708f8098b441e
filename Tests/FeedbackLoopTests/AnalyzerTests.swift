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

    /// The money figures come from the forecast and the stated assumptions: a BLOCKER
    /// violation is 8 minutes at $150/h, $20; a year is 52 weeks of the forecast count.
    @Test func moneyFollowsTheForecastUnderStatedAssumptions() {
        let rows = (0..<150).map { row("create_mock_agent", "Article I: Incomplete context", hoursAgo: Int32($0), count: 1) }
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        #expect(a.patterns[0].roiCostSaved == 0)  // before a forecast, no money figure
        let ranked = Predictor.predict(a.patterns, rows: rows, nowHour: Timestamp.hour(of: now))
        let p = ranked.patterns[0], f = ranked.forecasts[0]
        #expect(a.violationsAnalyzed == 150)
        #expect(abs(p.roiCostSaved - f.expected * 20 * 52) < 1e-6)
        #expect(abs(p.roiHoursSaved - p.roiCostSaved / 150) < 1e-9)
        #expect(p.confidence == f.confidence)
        #expect(p.priority?.rank == 1)
        // A 2-hour fix ($300) against the week's cost, in days.
        #expect(abs(p.priority!.paybackDays! - 300 / (f.expected * 20 / 7)) < 1e-9)
        let statement = CostAssumptions().statement
        #expect(statement.contains("8 min") && statement.contains("$150/h") && statement.contains("2.0 h"))
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
        #expect(a.patterns[0].articlesViolated == ["Article II"])
        // First seen from the whole history the store knows, not the window's start.
        let known = Analyzer.analyze(rows, window: .lastDays(7, now: now), firstSeen: ["create_planner_agent": 1_000_000])
        #expect(known.patterns[0].firstSeen.hasPrefix("1970-01-01"))
        #expect(a.patterns[0].firstSeen == Timestamp.iso8601(Int64(Timestamp.hour(of: now) - 30) * Timestamp.microsPerHour + 1))
        let all = Analyzer.analyze(rows, window: .all(firstHour: rows.map(\.hour).min(), now: now))
        #expect(all.patterns.map(\.functionName) == ["old_fn", "create_planner_agent"])
        #expect(all.patterns[0].fixSuggestion.contains("spec.md"))
    }

    /// A cycle fits the forecasts while Learn runs, from the Analyzer's readings, and
    /// applies the priors after: the same forecasts as made in one go, priors and all.
    @Test func forecastsFromFitsMadeAheadAreTheSame() {
        var rows = (0..<400).map { row("create_planner_agent", "Article II violated: x", hoursAgo: Int32($0), count: 1 + Int64($0 % 5)) }
        rows += (0..<60).map { row("create_learning_agent", "Article IV violated: z", hoursAgo: Int32(24 * 20 + $0), count: 30) }
        rows += [row("create_learning_agent", "Article IV violated: z", hoursAgo: 3, count: 3)]
        // No past to check itself against: its interval is the prior's.
        rows += [row("create_toolsmith_agent", "Article I: y", hoursAgo: 3, count: 30)]
        let a = Analyzer.analyzeWithHistories(rows, window: .lastDays(7, now: now))
        let priors = ["pattern_create_learning_agent": 0.4, "pattern_create_toolsmith_agent": 0.5]
        let fits = Predictor.fits(a.analysis.patterns, histories: a.histories)
        #expect(fits.count == 3)
        // The fits reuse each pattern's reading, the Analyzer's: the same as reading again.
        for p in a.analysis.patterns {
            #expect(fits[p.patternID] == RateModel.fit(hourly: a.histories.hourly[p.functionName]!))
        }
        let ahead = Predictor.predict(a.analysis.patterns, histories: a.histories, priors: priors, fits: fits)
        let inOneGo = Predictor.predict(a.analysis.patterns, histories: a.histories, priors: priors)
        #expect(ahead.forecasts == inOneGo.forecasts)
        #expect(ahead.patterns == inOneGo.patterns)
        #expect(Predictor.predict(a.analysis.patterns, histories: a.histories).forecasts != inOneGo.forecasts)
    }

    @Test func evolveProposesPerAgentAboveTheThreshold() {
        var rows = (0..<30).map { row("create_planner_agent", "Article II violated: x", hoursAgo: Int32($0), count: 1) }
        rows += [row("create_toolsmith_agent", "Article I: y", hoursAgo: 3, count: 3)]
        rows += (0..<5).map { row("create_learning_agent", "Article IV violated: z", hoursAgo: Int32(24 * 20 + $0), count: 30) }
        rows += [row("create_learning_agent", "Article IV violated: z", hoursAgo: 3, count: 3)]
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        let ranked = Predictor.predict(a.patterns, rows: rows, nowHour: Timestamp.hour(of: now))
        let proposals = Evolver.propose(ranked.patterns, forecasts: ranked.forecasts)
        // planner: 30 in the last 30 hours, persisting. learning: 150 three weeks ago,
        // 3 this week — it is fading, and P(next week ≥ half of this week's) is no help
        // to a person when the rate it is half of is tiny, so its confidence is what it is;
        // toolsmith: 3 in one hour, first seen 3 hours ago.
        #expect(proposals.first?.agent == "planner")
        #expect(proposals[0].confidence >= 0.8)
        let persistence = Prioritizer.persistence(ranked.forecasts.filter { $0.function == "create_planner_agent" })
        #expect(proposals[0].confidence == (persistence * 100).rounded() / 100)
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
                    "roi_hours_saved", "roi_cost_saved", "fix_suggestion", "trend", "trend_summary", "rate",
                    "severity"] {
            #expect(p[key] != nil, "missing \(key)")
        }
        #expect((obj["summary"] as? String)?.hasPrefix("Analyzed 10 violations, found 1 patterns, $0/year potential savings (assumed: 8 min") == true)
        #expect((obj["cost_assumptions"] as? String)?.contains("$150/h") == true)
        #expect(obj["vectorstore_updated"] as? Bool == false)
    }

    /// The history is summed per function in one pass; it must equal the definition:
    /// each function's rows alone, counted per hour, and the earliest of them.
    @Test func onePassHistoryEqualsEachFunctionsOwnRows() {
        var rows: [BucketRow] = []
        for h in 0..<(24 * 70) where h % 3 != 1 {
            rows.append(row("create_mock_agent", "Article I: Incomplete context", hoursAgo: Int32(h), count: Int64(1 + h % 4)))
            if h % 5 == 0 { rows.append(row("run_quality_gate", "Article III: quality gate bypassed", hoursAgo: Int32(h), count: 2)) }
        }
        rows.append(row("rare_function", "Article II: 3 tests failing", hoursAgo: 24 * 69, count: 1))
        rows.sort { $0.hour < $1.hour }
        let settings = ForecastSettings(), hours = Predictor.historyHours(settings)
        let end = Timestamp.hour(of: now) - 1
        // The definition, written out: hour h of the series is the sum of the rows at
        // hour end - hours + 1 + h.
        func own(_ f: String) -> [Int64] {
            (0..<hours).map { h in
                rows.filter { $0.function == f && Int($0.hour) == Int(end) - hours + 1 + h }.reduce(0) { $0 + $1.totals.count }
            }
        }
        let together = Analyzer.seriesByFunction(rows, endHour: end, hours: hours)
        for f in ["create_mock_agent", "run_quality_gate", "rare_function"] {
            #expect(together.hourly[f] == own(f))
            #expect(Analyzer.series(rows.filter { $0.function == f }, endHour: end, hours: hours) == own(f))
        }
        #expect(own("create_mock_agent").reduce(0, +) > 0 && own("rare_function").reduce(0, +) == 0)
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        for p in a.patterns {
            let own = own(p.functionName), rowsOf = rows.filter { $0.function == p.functionName }
            #expect(p.rate == RateModel.read(history: own, settings))
            #expect(p.firstSeen == Timestamp.iso8601(rowsOf.map(\.totals.first).min()!))
        }
        #expect(a.patterns.count == 2)
    }
}

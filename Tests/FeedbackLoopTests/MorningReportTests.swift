import FeedbackLoop
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FeedbackLoop

/// The pure morning report: built from plain inputs, rendered four ways.
@Suite struct MorningReportTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let night = Night.ending(on: LocalDate("2025-10-08")!, at: ClockTime(hour: 7, minute: 0), in: utc)

    /// A cycle's stored JSON as the cycle runner writes it, decoded the way the
    /// morning report reads it: the contract between the two, end to end.
    static func digest(cycle: Int64, calls: [ModelCallRecord] = [], memory: MemoryGrowth? = nil, rss: Int64? = nil,
                       available: Int64? = nil, outbound: OutboundRequests? = nil,
                       stages: [StageOutcome] = []) -> CycleDigest {
        let now = night.start + cycle * Timestamp.microsPerHour
        var r = CycleReport(cycle: cycle, timestamp: now, analysis: Analyzer.analyze([], window: .lastDays(7, now: now)),
                            ingest: nil, proposals: [], stages: stages)
        r.modelCalls = calls
        r.vectorMemory = memory
        r.peakRSSBytes = rss
        r.memoryAvailableBytes = available
        r.outboundRequests = outbound
        return CycleDigest.decode(r.json())!
    }

    static func inputs(_ digests: [CycleDigest], hourly: [String: [Int64]] = [:], pending: [ProposalRecord] = [],
                       apiCallsBefore: Int? = nil) -> NightInputs {
        NightInputs(night: night, zone: utc, cycleIntervalSeconds: 3600,
                    cycles: digests.map { .init(id: $0.cycle, startedAt: night.start + $0.cycle * Timestamp.microsPerHour,
                                                result: $0.degradedStages.isEmpty ? .completed : .degraded,
                                                malformed: 0, digest: $0, failure: nil) },
                    apiCallsBefore: apiCallsBefore, hourly: hourly, pending: pending, accuracy: nil, scoredInNight: 0,
                    generatedAt: night.end, origin: .daemon)
    }

    static func proposal(_ id: Int64, _ agent: String, confidence: Double, evidence: [Int64]) -> ProposalRecord {
        let e = evidence.enumerated().map {
            Proposal.Evidence(patternID: "pattern_f\($0.offset)", function: "f\($0.offset)", frequency: $0.element,
                              trend: .stable, articles: [])
        }
        return ProposalRecord(id: id, status: .pending, change: .new,
                              proposal: Proposal(agent: agent, confidence: confidence, rationale: "", evidence: e,
                                                 markdown: "", author: "template"))
    }

    @Test func sparklineOnKnownData() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        // Any violation shows above a quiet hour, however small beside the peak.
        #expect(Sparkline.render([0, 0, 100, 1]) == "▁▁█▂")
        #expect(Sparkline.render([0, 0, 0]) == "▁▁▁")
        #expect(Sparkline.render([5, 5]) == "██")
        #expect(Sparkline.render([]) == "")
        #expect(Sparkline.render([14, 7, 1]) == "█▅▂")
    }

    @Test func theNightIsTheDayBeforesReportTimeToThisOnesInLocalTime() {
        let paris = TimeZone(identifier: "Europe/Paris")!
        let seven = ClockTime(hour: 7, minute: 0)
        let n = Night.ending(on: LocalDate("2025-10-08")!, at: seven, in: paris)
        #expect(Timestamp.iso8601(n.start) == "2025-10-07T05:00:00+00:00")  // 07:00 CEST
        #expect(Timestamp.iso8601(n.end) == "2025-10-08T05:00:00+00:00")
        #expect(n.hours == 24)
        #expect(n.bucketHours.count == 24)
        // The clocks go back on 2025-10-26: that night is 25 hours, and the next one
        // starts where it ended.
        let long = Night.ending(on: LocalDate("2025-10-26")!, at: seven, in: paris)
        #expect(long.hours == 25)
        #expect(Night.ending(on: LocalDate("2025-10-27")!, at: seven, in: paris).start == long.end)
        #expect(Night.ending(on: LocalDate("2025-03-30")!, at: seven, in: paris).hours == 23)
        #expect(MorningReport.scheduledSlots(long, intervalSeconds: 3600) == 25)
        // Slots are multiples of the interval since the epoch, as the daemon's schedule.
        let sevenHours = 7 * Timestamp.microsPerHour
        let slots = (n.start / sevenHours...n.end / sevenHours).filter { $0 * sevenHours >= n.start && $0 * sevenHours < n.end }
        #expect(MorningReport.scheduledSlots(n, intervalSeconds: 7 * 3600) == slots.count)
        #expect(slots.count == 4)
    }

    @Test func localDatesAndClockTimesParseStrictly() {
        #expect(LocalDate("2024-02-29")?.description == "2024-02-29")
        for bad in ["2025-02-29", "2025-13-01", "2025-1-01", "25-01-01", "2025-01-01T00", "", "yesterday"] {
            #expect(LocalDate(bad) == nil, "\(bad)")
        }
        #expect(LocalDate("2025-12-31")!.adding(days: 1).description == "2026-01-01")
        #expect(LocalDate("2025-03-01")!.adding(days: -1).description == "2025-02-28")
        #expect(ClockTime("7:05") == ClockTime(hour: 7, minute: 5))
        for bad in ["24:00", "07:60", "0700", "07:5", "-1:00", "07:00:00"] { #expect(ClockTime(bad) == nil, "\(bad)") }
    }

    @Test func theSVGIsWellFormedAndEscapesHostileNames() throws {
        let hostile = "</text><script>alert(\"x\")</script>&amp;'\u{1}"
        let hourly = [hostile: [Int64](repeating: 3, count: 24), "calm": (0..<24).map { Int64($0 % 5) }]
        var i = Self.inputs([Self.digest(cycle: 1)], hourly: hourly)
        i.cycles = []  // no analysis: the patterns come from the hourly counts
        let r = MorningReport.build(i)
        let svg = NightChart.svg(r)
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;/text&gt;&lt;script&gt;"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        // Foundation's XML parser accepts it, and reads the name back as it was
        // (the control character, which XML cannot hold, as U+FFFD; the legend cuts long names).
        let texts = try XMLTexts.parse(svg)
        #expect(texts.contains("</text><script>alert(\"x\")</script>&amp;'\u{FFFD}"))
        // The legend holds the whole name, and the picture is wide enough for it.
        #expect(texts.contains("</text><script>alert(\"x\")</script>&amp;'\u{FFFD} (72)"))
        #expect(texts.contains("calm (46)"))
        #expect(texts.contains("07:00") && texts.contains("04:00"))
        let legend = NightChart.legend(try #require(r.chartedPatterns.first { $0.function == hostile }))
        let canvas = try #require(svg.firstMatch(of: /<svg [^>]*width="([0-9.]+)"/).map { Double($0.1)! })
        #expect(canvas >= NightChart.left + (NightChart.width - NightChart.left - NightChart.right) + 16 + 26
                + Double(legend.count) * NightChart.charWidth)
    }

    /// A report made before the night ended says so, and draws no line into the hours
    /// that have not come (they are not zeros).
    @Test func aNightInProgressIsMarkedAndItsFutureNotDrawn() throws {
        var i = Self.inputs([Self.digest(cycle: 1)], hourly: ["calm": (0..<24).map { Int64($0 % 5) }])
        i.cycles = []
        i.generatedAt = i.night.start + 5 * Timestamp.microsPerHour + 1_800_000_000
        let r = MorningReport.build(i)
        #expect(r.inProgress && r.observedHours == 6)
        #expect(r.text().contains("NIGHT IN PROGRESS"))
        let svg = NightChart.svg(r)
        let points = try #require(svg.firstMatch(of: /<polyline [^>]*points="([^"]*)"/)).1
        #expect(points.split(separator: " ").count == 6)
        #expect(try XMLTexts.parse(svg).contains { $0.hasSuffix("(in progress)") })
        var done = i
        done.generatedAt = i.night.end
        #expect(!MorningReport.build(done).inProgress && MorningReport.build(done).observedHours == 24)
    }

    @Test func anEmptyNightStillDrawsAValidChart() throws {
        let r = MorningReport.build(Self.inputs([]))
        let texts = try XMLTexts.parse(NightChart.svg(r))
        #expect(texts.contains("no violations in the night"))
        #expect(r.text().contains("Models: no model calls"))
        #expect(r.text().contains("Vector memory: not recorded"))
        #expect(r.text().contains("API calls: not counted"))
        #expect(r.text().contains("Peak memory: not recorded"))
    }

    @Test func modelCallsVectorMemoryAndMemoryAreAggregatedOverTheNight() {
        let a = ModelCallRecord(role: "builder", model: "qwen", stage: .evolve, outcome: .used, metrics: CallMetrics(model: "qwen", loadSeconds: 4, latencySeconds: 10, promptTokens: 100, outputTokens: 200, tokensPerSecond: 20))
        let b = ModelCallRecord(role: "builder", model: "qwen", stage: .evolve, outcome: .used, metrics: CallMetrics(model: "qwen", loadSeconds: 0, latencySeconds: 2, promptTokens: 100, outputTokens: 100, tokensPerSecond: 30))
        let c = ModelCallRecord(role: "builder", model: "qwen", stage: .evolve, outcome: .fallback, fallbackReason: "timeout", metrics: CallMetrics(model: "qwen", loadSeconds: 2, latencySeconds: 30))
        let d = ModelCallRecord(role: "embedder", model: "all-minilm", stage: .learn, outcome: .used, metrics: CallMetrics(model: "all-minilm", latencySeconds: 0.1))
        let r = MorningReport.build(Self.inputs([
            Self.digest(cycle: 1, calls: [a, d], memory: MemoryGrowth(entries: 10, bytes: 1000, added: 10, updated: 0, embedder: "e"),
                        rss: 40_000_000, available: 9_000_000_000, outbound: .init(loopback: 3, remote: 0)),
            Self.digest(cycle: 2, calls: [b, c], memory: MemoryGrowth(entries: 12, bytes: 1300, added: 2, updated: 5, embedder: "e"),
                        rss: 45_000_000, available: 8_000_000_000, outbound: .init(loopback: 6, remote: 0)),
            Self.digest(cycle: 3, rss: 41_000_000),
        ]))
        #expect(r.models.count == 2)
        let q = r.models.first { $0.model == "qwen" }!
        #expect(q.calls == 3 && q.fallbacks == 1)
        #expect(q.meanLoadSeconds == 2 && q.maxLoadSeconds == 4)
        #expect(q.medianLatencySeconds == 10)
        #expect(q.tokensPerSecond == 25)
        #expect(r.models.first { $0.model == "all-minilm" }!.tokensPerSecond == nil)
        #expect(r.vectorMemory == .init(added: 12, updated: 5, entries: 12, bytes: 1300, embedder: "e", cyclesRecorded: 2))
        #expect(r.peakRssBytes == 45_000_000)
        #expect(r.lowestMemoryAvailableBytes == 8_000_000_000)
        #expect(r.apiCalls.remote == 0 && r.apiCalls.loopback == 6 && r.apiCalls.costUsd == 0)
        #expect(r.text().contains("Cost: $0.00 — every model runs locally"))
    }

    /// The request counters are per process: the night's count is their increase,
    /// across a restart too.
    @Test func apiCallsAreTheCountersIncreaseAcrossRestarts() {
        #expect(MorningReport.counterIncrease([5, 7, 7, 2, 4], baseline: 3) == 2 + 2 + 0 + 2 + 2)
        #expect(MorningReport.counterIncrease([], baseline: 3) == 0)
        let r = MorningReport.build(Self.inputs([
            Self.digest(cycle: 1, outbound: .init(loopback: 0, remote: 4)),
            Self.digest(cycle: 2, outbound: .init(loopback: 0, remote: 6)),
        ], apiCallsBefore: 1))
        #expect(r.apiCalls.remote == 5)
        #expect(r.apiCalls.costUsd == nil)
        #expect(r.text().contains("Cost: unknown — 5 request(s) left the machine"))
    }

    @Test func degradedStagesAreListedWithTheirCycle() {
        var i = Self.inputs([Self.digest(cycle: 1, stages: [
            StageOutcome(stage: .observe, outcome: .degraded, detail: "cannot read /x: No such file", milliseconds: 0),
            StageOutcome(stage: .analyze, outcome: .ok, detail: "", milliseconds: 1),
        ])])
        i.cycles.append(.init(id: 2, startedAt: Self.night.start, result: .failed, malformed: nil, digest: nil, failure: "disk full"))
        i.cycles.append(.init(id: 3, startedAt: Self.night.start, result: .running, malformed: nil, digest: nil, failure: nil))
        let r = MorningReport.build(i)
        #expect(r.degraded.map { "\($0.cycle) \($0.stage) \($0.outcome)" } == ["1 observe degraded", "2 cycle failed", "3 cycle interrupted"])
        #expect(r.cycles.completed == 1 && r.cycles.degraded == 1 && r.cycles.failed == 1 && r.cycles.interrupted == 1)
        #expect(r.markdown(chart: nil).contains("- cycle 1, observe degraded: cannot read /x: No such file"))
    }

    @Test func theTemplateRanksByConfidenceThenEvidence() {
        let r = MorningReport.build(Self.inputs([], pending: [
            Self.proposal(1, "a", confidence: 0.85, evidence: [500]),
            Self.proposal(2, "b", confidence: 0.95, evidence: [10, 20]),
            Self.proposal(3, "c", confidence: 0.95, evidence: [100]),
            Self.proposal(4, "d", confidence: 0.95, evidence: [100]),
        ]))
        #expect(r.narrative.author == "template")
        #expect(r.narrative.ranking == [3, 4, 2, 1])
        #expect(r.narrative.text.contains("start with #3"))
        #expect(r.rankedProposals.map(\.id) == [3, 4, 2, 1])
    }

    @Test func aNarratorReplacesTheTemplateAndIsNamed() async {
        let i = Self.inputs([], pending: [Self.proposal(1, "a", confidence: 0.9, evidence: [1]),
                                         Self.proposal(2, "b", confidence: 0.8, evidence: [1])])
        let told = await MorningReport.make(i) { _ in
            Narrative(text: "A quiet night.", author: "codestral:22b", ranking: [2, 99, 2])
        }
        #expect(told.narrative == Narrative(text: "A quiet night.", author: "codestral:22b", ranking: [2, 1]))
        #expect(told.markdown(chart: nil).contains("_Written by: codestral:22b_"))
        #expect(told.json().contains("\"author\" : \"codestral:22b\""))
        let silent = await MorningReport.make(i) { _ in nil }
        #expect(silent.narrative.author == "template")
        let blank = await MorningReport.make(i) { _ in Narrative(text: "  ", author: "m", ranking: []) }
        #expect(blank.narrative.author == "template")
    }

    /// The patterns' columns: the name padded to the longest, the trend cut and padded to
    /// 24 — as Foundation's `padding(toLength:)` did for these ASCII texts, and aligned.
    @Test func thePatternsColumnsArePaddedAndTheTrendCut() {
        var r = MorningReport.build(Self.inputs([], hourly: ["f": [1, 2]]))
        func row(_ function: String, _ rank: Int?, _ urgency: String?, _ trend: Trend?) -> MorningReport.NightPattern {
            MorningReport.NightPattern(patternId: "pattern_" + function, function: function, trend: trend, trendSummary: nil,
                                       rank: rank, urgency: urgency, windowCount: 1, nightCount: 3, hourly: [1, 2])
        }
        r.patterns = [row("f", nil, nil, nil), row("create_planner_agent", 12, "URGENT", .increasing),
                      row("g", 1234, "CRITICAL", .decreasing)]  // 25 characters of trend: cut
        let lines = r.text().split(separator: "\n").filter { $0.contains(" tonight ") }
        #expect(lines.count == 3)
        for (line, p) in zip(lines, r.patterns) {
            let trend = ((p.rank.map { "#\($0) " } ?? "") + (p.urgency.map { "\($0) " } ?? "") + (p.trend?.rawValue ?? "not analysed"))
            let foundation = "   " + p.function.padding(toLength: 20, withPad: " ", startingAt: 0) + "  "
                + trend.padding(toLength: 24, withPad: " ", startingAt: 0) + " "
            #expect(line.hasPrefix(foundation), "\(line)")
        }
        #expect(lines[1].contains("#12 URGENT INCREASING "))  // 21 characters and 3 spaces
        #expect(lines[2].contains("#1234 CRITICAL DECREASIN "))
        #expect(Set(lines.map { $0.firstRange(of: "tonight")!.lowerBound.utf16Offset(in: $0) }).count == 1)
    }

    @Test func theJSONRoundTrips() throws {
        let r = MorningReport.build(Self.inputs([
            Self.digest(cycle: 1, calls: [ModelCallRecord(role: "builder", model: "m", stage: .evolve, outcome: .used)],
                        memory: MemoryGrowth(entries: 1, bytes: 2, added: 1, updated: 0, embedder: "e"), rss: 1),
        ], hourly: ["f": Array(repeating: 1, count: 24)], pending: [Self.proposal(7, "a", confidence: 0.9, evidence: [3])]))
        let json = r.json()
        #expect(try MorningReport.decode(json: json) == r)
        let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        for key in ["night", "cycles", "violations", "patterns", "forecasts", "proposals", "vector_memory", "api_calls",
                    "peak_rss_bytes", "models", "degraded", "narrative", "hour_labels"] {
            #expect(obj[key] != nil, "\(key)")
        }
        #expect((obj["night"] as? [String: Any])?["time_zone"] as? String == Self.utc.identifier)
    }
}

/// Every text node of an XML document, or the parser's error.
enum XMLTexts {
    final class Collector: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var current = ""
        func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) { current = "" }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
            if !current.isEmpty { texts.append(current) }
            current = ""
        }
    }

    struct Malformed: Error { var reason: String }

    static func parse(_ xml: String) throws -> [String] {
        let p = XMLParser(data: Data(xml.utf8))
        let c = Collector()
        p.delegate = c
        guard p.parse() else { throw Malformed(reason: p.parserError.map { "\($0)" } ?? "unknown") }
        return c.texts
    }
}

import Foundation
import Testing
@testable import FeedbackLoop

/// Hand-written answers of the kinds small models give, each refused for the right
/// reason, and good answers that pass. The evidence is a real proposal's: the planner
/// agent, `create_planner_agent` breaking Article II with "No test infrastructure found".
@Suite struct DraftCorpusTests {
    static let now = Timestamp.parse("2026-11-20T12:30:00Z")!

    static let (proposal, patterns): (Proposal, [Pattern]) = {
        let hour = Timestamp.hour(of: now)
        let rows = (0..<30).map { h in
            BucketRow(function: "create_planner_agent",
                      signature: "Article II violated: No test infrastructure found (run_tests.py or pytest)",
                      articles: .article(2), hour: hour - Int32(h),
                      totals: BucketTotals(count: 1, first: Int64(hour - Int32(h)) * Timestamp.microsPerHour, last: Int64(hour - Int32(h)) * Timestamp.microsPerHour + 1, severityMask: 1),
                      severities: ["BLOCKER"])
        }
        let a = Analyzer.analyze(rows, window: .lastDays(7, now: now))
        let ranked = Predictor.predict(a.patterns, rows: rows, nowHour: hour)
        let p = Evolver.propose(ranked.patterns, forecasts: ranked.forecasts, settings: {
            var s = AnalysisSettings(); s.proposalConfidence = 0; return s
        }())[0]
        return (p, ranked.patterns)
    }()

    static var evidence: DraftGrounding.Evidence {
        ProposalDraft.evidence(proposal, patterns: patterns, prompt: ProposalDraft.prompt(proposal, patterns: patterns, recalled: []).user)
    }
    static var sources: [String] { patterns.flatMap { $0.signatures.map(\.signature) } }

    func review(_ draft: String) -> String? { ProposalDraft.review(draft, sources: Self.sources, evidence: Self.evidence) }
    func failed(_ draft: String) -> Set<DraftGrounding.Check> { Set(DraftGrounding.failures(draft, Self.evidence).map(\.check)) }

    static let good = """
        ### Constitutional learnings for the planner agent

        - When `create_planner_agent` reports `No test infrastructure found`, create the test infrastructure before planning (Article II).
        - Check for `run_tests.py or pytest` first, and stop with an explicit error when neither exists (Article II).

        """

    @Test func aGroundedDraftPasses() {
        #expect(review(Self.good) == nil)
        #expect(review(Self.good.replacingOccurrences(of: "Article II", with: "Article 2")) == nil)
        // "and/or" is not a path; a rule may say so.
        #expect(review(Self.good + "- Run the tests and/or stop `create_planner_agent` (Article II).\n") == nil)
    }

    /// (answer, the check that must refuse it, what kind of failure it is).
    static let bad: [(String, DraftGrounding.Check, String)] = [
        ("```markdown\n" + good + "```", .format, "fenced"),
        ("Here is the draft:\n" + good, .format, "chatter before"),
        (good + "\nI hope this helps! Let me know if you need anything else.", .format, "chatter after"),
        ("- When `create_planner_agent` reports `No test infrastructure found`, stop (Article II).", .format, "no heading"),
        ("### Constitutional learnings for the planner agent\n\nCreate tests for create_planner_agent (Article II), `no test infrastructure found`.", .format, "no list"),
        (good + "- When `create_planner_agent` reports `No test infrastructure found`, create the test infrastructure before planning (Article II).\n", .format, "repeated line"),
        ("{\"rules\": [\"create tests\"]}", .format, "JSON, not Markdown"),
        ("### Buffer within buffer.\n\n- Gradient model small memory concise resident load bounded loop.\n- Context actor request forecast context unload.", .namesAgent, "word salad"),
        ("### Constitutional learnings for the auditor agent\n\n- When `create_auditor_agent` reports `No test infrastructure found`, stop (Article II).", .namesAgent, "the wrong agent"),
        ("### Constitutional learnings for the planner agent\n\n- Always be careful and `No test infrastructure found` must not happen (Article II).", .citesPattern, "no function"),
        ("### Constitutional learnings for the planner agent\n\n- When `create_planner_agent` reports `No test infrastructure found`, stop.", .citesPattern, "no article"),
        ("### Constitutional learnings for the planner agent\n\n- `create_planner_agent` must follow Article II at all times.", .citesSignature, "no violation text"),
        ("### Lernerkenntnisse für den Agenten planner\n\n- `create_planner_agent` muss zuerst die Testinfrastruktur anlegen (Article II).", .citesSignature, "another language"),
        ("### Constitutional learnings for the planner agent\n\n- When `create_planner_agent` reports `No test infrastru", .citesSignature, "cut off at the token limit"),
        (good + "- Call `setup_test_harness` before `create_planner_agent` runs (Article II).\n", .noInventedFunction, "invented function"),
        (good + "- Put the tests of `create_planner_agent` in `tests/planner/test_core.py` (Article II).\n", .noInventedPath, "invented path"),
        (good + "- Keep a log in `planner_notes.md` for `create_planner_agent` (Article II).\n", .noInventedPath, "invented file name"),
        (good + "- Retry `create_planner_agent` at most 4711 times (Article II).\n", .noInventedNumber, "invented count"),
        (good + "- `No test infrastructure found` happened in 97.5% of the runs of `create_planner_agent` (Article II).\n", .noInventedNumber, "invented percentage"),
        ("### Constitutional learnings for the planner agent\n\n- Block `create_planner_agent` (Article II) on `no test infrastructure found`: invented in 2019.", .noInventedNumber, "invented year"),
        (proposal.markdown, .citesSignature, "the template restated"),
        (good + "- Retry `create_planner_agent` 5x before giving up (Article II).\n", .noInventedNumber, "a number with a unit"),
        (good + "- Log every failure of `create_planner_agent` to `retries.log` (Article II).\n", .noInventedPath, "an invented log file"),
        (good + "- `create_planner_agent` must also respect Article IX.\n", .citesPattern, "an article the evidence does not hold"),
        (good.replacingOccurrences(of: "planner agent", with: "planners' agents"), .namesAgent, "the agent only inside another word"),
        ("### Constitutional learnings for the planner agent\n\n" + proposal.markdown.split(separator: "\n").filter { $0.hasPrefix("- ") }.joined(separator: "\n")
            + "\n- Be thorough (Article II).", .addsToTemplate, "only the template's rules, plus a rule naming nothing"),
    ]

    @Test(arguments: bad.indices)
    func aBadDraftIsRefusedForTheRightReason(_ i: Int) {
        let (draft, check, kind) = Self.bad[i]
        #expect(failed(draft).contains(check), "\(kind): \(DraftGrounding.failures(draft, Self.evidence))")
        #expect(review(draft) != nil, "\(kind) passed")
    }

    @Test func theCorpusIsLargeAndCoversEveryCheck() {
        #expect(Self.bad.count >= 20)
        #expect(Set(Self.bad.map(\.1)) == Set(DraftGrounding.Check.allCases))
    }

    @Test func unsafeDraftsAreRefusedBeforeGrounding() {
        #expect(review("") == "rejected: empty draft")
        #expect(review(Self.good + String(repeating: "- more `create_planner_agent` (Article II)\n", count: 200))?.hasPrefix("rejected: draft too long") == true)
        #expect(review(Self.good + "- \u{1B}[31mred\u{1B}[0m\n")?.contains("control characters") == true)
    }
}

/// The Architect's narrative against the night's figures.
@Suite struct NarrativeCorpusTests {
    static var report: MorningReport {
        let inputs = MorningReportTests.inputs([], hourly: ["create_planner_agent": [3, 5, 0, 2]],
                                               pending: [MorningReportTests.proposal(7, "planner", confidence: 0.836, evidence: [42])])
        return MorningReport.build(inputs)
    }

    @Test func aNarrativeOfTheNightsFiguresPasses() {
        let r = Self.report
        #expect(NarrativeCheck.problem("1 proposal is waiting: #7 for the planner agent (confidence 84%), 42 violations in create_planner_agent.", r) == nil)
        #expect(NarrativeCheck.problem("The planner agent's proposal waits; the night was quiet.", r) == nil)
    }

    @Test(arguments: [
        ("3,400 violations were seen.", "3400"),
        ("Proposal #4242 should go first.", "4242"),
        ("12 cycles ran overnight.", "12"),
        ("Start with the auditor agent's proposal.", "auditor"),
        ("Confidence is 0.3 for the planner agent.", "0.3"),
        ("Confidence in the planner fix is 97%.", "97"),
        ("create_auditor_agent doubled overnight.", "create_auditor_agent"),
        ("Context actor request forecast context unload.", "none of the night's figures"),
    ])
    func anInventedFigureOrNameIsRefused(_ narrative: String, _ culprit: String) {
        let problem = NarrativeCheck.problem(narrative, Self.report)
        #expect(problem?.contains(culprit) == true, "\(problem ?? "passed")")
    }
}

/// The Controller's JSON as small models spoil it.
@Suite struct ClassificationCorpusTests {
    @Test(arguments: [
        "```json\n{\"article\": \"Article II\", \"category\": \"missing_tests\", \"summary\": \"No tests\"}\n```",
        "{\"article\": \"Article II\", \"category\": \"missing_tests\", \"summary\": \"No tests\"}\nThis violation is about tests.",
        "{\"article\": \"Article IX\", \"category\": \"missing_tests\", \"summary\": \"No tests\"}",
        "{\"article\": \"Article II\", \"category\": \"missing_tes",
    ])
    func aSpoiledAnswerIsKeptAsInvalid(_ answer: String) {
        #expect(!Classification.validate(answer, model: "m").valid)
    }

    @Test func aGoodAnswerIsValid() {
        let c = Classification.validate("{\"article\": \"Article II\", \"category\": \"missing_tests\", \"summary\": \"No tests\"}", model: "m")
        #expect(c.valid && c.article == "Article II")
    }
}

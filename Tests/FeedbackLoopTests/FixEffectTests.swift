import Testing
@testable import FeedbackLoop
import SampleLog

/// The effect of a merged fix, on series of known rates: 28 days before the merge at
/// 2 an hour, then the rate after it.
@Suite struct FixEffectMeasureTests {
    func measure(after rate: Double, days: Int = 14, seed: UInt64 = 3) -> FixEffect {
        var rng = SplitMix64(seed: seed)
        let before = (0..<(28 * 24)).map { _ in Int64(Poisson.sample(2, &rng)) }
        let after = (0..<(days * 24)).map { _ in Int64(Poisson.sample(rate, &rng)) }
        return FixEffect.measure(proposal: 4, agent: "planner", functions: ["create_planner_agent"],
                                 mergedAt: Timestamp.parse("2026-11-20T10:00:00Z")!, how: "merged",
                                 hourly: before + after, mergeIndex: before.count)
    }

    @Test func aFixThatWorkedIsMeasuredAsSuch() {
        let e = measure(after: 0.3)
        #expect(e.verdict == .worked)
        #expect(abs(e.ratio - 0.15) < 0.04)
        #expect(e.summary.hasPrefix("fix for planner merged 2026-11-20 (proposal #4): −8"))
        #expect(e.summary.hasSuffix("a day, p < 0.001)"))
        #expect(!e.provisional)
    }

    @Test func aFixThatChangedNothingSaysSo() {
        let e = measure(after: 2)
        #expect(e.verdict == .noEffect)
        #expect(e.summary.contains("no measurable effect"))
    }

    @Test func silenceAfterAFixIsStopped() {
        let e = measure(after: 0)
        #expect(e.verdict == .stopped)
        #expect(e.summary.contains("stopped — none since"))
    }

    @Test func moreAfterAFixIsWorse() { #expect(measure(after: 4).verdict == .worse) }

    @Test func underADayIsTooEarlyAndAFewDaysProvisional() {
        #expect(measure(after: 0.3, days: 0).verdict == .tooEarly)
        let early = measure(after: 0.3, days: 3)
        #expect(early.provisional)
        #expect(early.summary.contains("provisional"))
    }

    /// Later proposals for the agent: raised by fixes that worked, lowered by fixes that
    /// did not, unchanged with no record.
    @Test func theRecordScalesLaterConfidence() {
        #expect(FixRecord([]).factor == 1)
        #expect(FixRecord([measure(after: 0.3)]).factor > 1)
        #expect(FixRecord([measure(after: 2)]).factor < 1)
        #expect(FixRecord([measure(after: 0.3, days: 0)]).measured == 0)
    }
}

import FeedbackLoop
import StateStore

/// The closed loop, in Analyze: approved proposals looked for on the agency's main
/// line (git, read-only), and every merged fix's effect measured again on the stored
/// violations — before the merge against after it, the same comparison the trend
/// labels use. A repository git cannot read is said, not fatal: the next cycle looks
/// again.
extension CycleRun {
    struct Fixes {
        var effects: [FixEffect] = []
        /// Why merges were not looked for this cycle (nil when they were, or none waited).
        var note: String?
    }

    func measureFixes() throws -> Fixes {
        let (waiting, merged) = try store.approvedFixes()
        var pairs = merged
        var found: [FixMerge] = []
        var out = Fixes()
        if !waiting.isEmpty, let finder = o.mergeFinder {
            do { found = try finder(waiting) } catch { out.note = "merges not looked for: \(error)" }
        }
        for m in found { if let f = waiting.first(where: { $0.proposal == m.proposal }) { pairs.append((f, m)) } }
        let nowHour = Timestamp.hour(of: o.now)
        let span = Int32(FixEffect.spanDays * 24)
        out.effects = try pairs.map { fix, m in
            let mergeHour = Timestamp.hour(of: m.mergedAt)
            let from = mergeHour - span, to = max(mergeHour - 1, min(nowHour - 1, mergeHour + span - 1))
            let rows = try store.buckets(fromHour: from, toHour: to).filter { fix.functions.contains($0.function) }
            let hourly = Analyzer.series(rows, endHour: to, hours: Int(to - from) + 1)
            return FixEffect.measure(proposal: fix.proposal, agent: fix.agent, functions: fix.functions,
                                     mergedAt: m.mergedAt, how: m.how, hourly: hourly, mergeIndex: Int(mergeHour - from),
                                     o.forecast.trend)
        }
        if !found.isEmpty || !out.effects.isEmpty { try store.recordFixes(merges: found, effects: out.effects, at: o.now) }
        return out
    }
}

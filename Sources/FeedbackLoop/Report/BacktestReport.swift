import Foundation

/// `consciousness backtest` output: per pattern and overall, the rate model beside the
/// original rule; then the events, the reliability of the confidence, and — on
/// generated logs — the trend labels against the truth.
extension Backtest {
    public func text() -> String {
        var out = ["Backtest: \(origins.count) origins (\(originSpan)), horizon \(horizonDays) days; model vs the original rule"]
        if let warning { out.append("WARNING: \(warning)") }
        out.append("")
        out += ["| pattern | forecasts | mean/week | MAPE model | MAPE original | 80% interval coverage |",
                "|---|---:|---:|---:|---:|---:|"]
        func row(_ name: String, _ n: Int, _ weekly: String, _ m: Accuracy, _ b: Accuracy) -> String {
            "| \(name) | \(n) | \(weekly) | \(Self.pct(m.mape)) | \(Self.pct(b.mape)) | \(Self.pct(m.intervalCoverage)) |"
        }
        for p in patterns { out.append(row(p.function, p.forecasts, Format.fixed(p.meanWeekly, 0), p.model, p.baseline)) }
        out.append(row("**all**", model.forecasts, "", model, baseline))
        out.append(row("**≥ \(Backtest.frequentWeekly)/week**", frequentModel.forecasts, "", frequentModel, frequentBaseline))
        out += ["", "Events whose outcome is in doubt (Brier score, lower is better):", "",
                "| event | forecasts | Brier model | Brier original |", "|---|---:|---:|---:|",
                "| the next \(horizonDays) days exceed the last 7 days' rate | \(exceeds.forecasts) | \(Self.num(exceeds.model)) | \(Self.num(exceeds.original)) |",
                "| a quiet pattern (none in 48 h) recurs within \(horizonDays) days | \(quietRecurs.forecasts) | \(Self.num(quietRecurs.model)) | \(Self.num(quietRecurs.original)) |"]
        out += ["", "Reliability of the confidence (P(the count lands within ±20% of the forecast)):", "",
                "| stated | forecasts | mean stated | observed |", "|---|---:|---:|---:|"]
        for b in reliability where b.forecasts > 0 {
            out.append("| \(Self.pct(b.low, 0))–\(Self.pct(b.high, 0)) | \(b.forecasts) | \(Self.pct(b.meanStated)) | \(Self.pct(b.observed)) |")
        }
        out.append("")
        if let urgentShare {
            out.append("Forecasts marked URGENT: \(Self.pct(urgentShare)) (the original rule: \(Self.pct(urgentShareOriginal)))")
        }
        if let t = trend {
            out.append("Trend labels against the generated truth: \(Self.pct(t.accuracy)) right over \(t.scored) clear cases "
                       + "(the original rule: \(Self.pct(trendOriginal?.accuracy))); steady patterns called trending: "
                       + "\(Self.pct(t.falseTrendRate)) of \(t.steady) (the original rule: \(Self.pct(trendOriginal?.falseTrendRate)))")
            for (truth, labels) in t.confusion.sorted(by: { $0.key < $1.key }) {
                out.append("   truly \(truth): " + labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private var originSpan: String {
        guard let first = origins.first, let last = origins.last else { return "none" }
        func day(_ h: Int32) -> String { String(Timestamp.iso8601(Int64(h) * Timestamp.microsPerHour).prefix(10)) }
        return first == last ? day(first) : "\(day(first)) to \(day(last))"
    }

    public func json() -> String {
        struct Form: Encodable {
            var horizon_days: Int
            var origins: [String]
            var warning: String?
            var model: Accuracy
            var baseline: Accuracy
            var frequent_threshold_per_week: Int64
            var frequent_model: Accuracy
            var frequent_baseline: Accuracy
            var exceeds_last_week: EventScore
            var quiet_pattern_recurs: EventScore
            var reliability: [ReliabilityBin]
            var urgent_share: Double?
            var urgent_share_original: Double?
            var trend: TrendScore?
            var trend_original: TrendScore?
            var patterns: [P]
            struct P: Encodable {
                var function: String
                var forecasts: Int
                var mean_weekly: Double
                var model: Accuracy
                var baseline: Accuracy
            }
        }
        let form = Form(
            horizon_days: horizonDays, origins: origins.map { Timestamp.iso8601(Int64($0) * Timestamp.microsPerHour) },
            warning: warning, model: model, baseline: baseline, frequent_threshold_per_week: Backtest.frequentWeekly,
            frequent_model: frequentModel, frequent_baseline: frequentBaseline,
            exceeds_last_week: exceeds, quiet_pattern_recurs: quietRecurs, reliability: reliability,
            urgent_share: urgentShare, urgent_share_original: urgentShareOriginal, trend: trend,
            trend_original: trendOriginal,
            patterns: patterns.map { .init(function: $0.function, forecasts: $0.forecasts, mean_weekly: $0.meanWeekly,
                                           model: $0.model, baseline: $0.baseline) })
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Plain value types with finite numbers: encoding cannot fail.
        return String(decoding: try! e.encode(form), as: UTF8.self)
    }

    /// A share as a backtest prints it (`80.1%`), `—` for none.
    public static func pct(_ v: Double?, _ places: Int = 1) -> String { v.map { Format.fixed($0 * 100, places) + "%" } ?? "—" }
    static func num(_ v: Double?) -> String { v.map { Format.fixed($0, 4) } ?? "—" }
}

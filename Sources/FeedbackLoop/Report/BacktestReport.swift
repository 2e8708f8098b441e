import Foundation

/// `consciousness backtest` output: per pattern and overall, the rate model beside the
/// original rule.
extension Backtest {
    public func text() -> String {
        var out = ["Backtest: \(origins.count) origins, horizon \(horizonDays) days; model vs the original rule", ""]
        let header = "| pattern | forecasts | mean/week | MAPE model | MAPE original | 80% interval coverage | Brier model | Brier original |"
        out += [header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
        func row(_ name: String, _ n: Int, _ weekly: String, _ m: Accuracy, _ b: Accuracy) -> String {
            "| \(name) | \(n) | \(weekly) | \(pct(m.mape)) | \(pct(b.mape)) | \(pct(m.intervalCoverage)) | \(num(m.brier)) | \(num(b.brier)) |"
        }
        for p in patterns {
            out.append(row(p.function, p.forecasts, Format.fixed(p.meanWeekly, 0), p.model, p.baseline))
        }
        out.append(row("**all**", model.forecasts, "", model, baseline))
        out.append(row("**≥ \(Backtest.frequentWeekly)/week**", frequentModel.forecasts, "", frequentModel, frequentBaseline))
        return out.joined(separator: "\n") + "\n"
    }

    public func json() -> String {
        struct Form: Encodable {
            var horizon_days: Int
            var origins: [String]
            var model: Accuracy
            var baseline: Accuracy
            var frequent_threshold_per_week: Int64
            var frequent_model: Accuracy
            var frequent_baseline: Accuracy
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
            model: model, baseline: baseline, frequent_threshold_per_week: Backtest.frequentWeekly,
            frequent_model: frequentModel, frequent_baseline: frequentBaseline,
            patterns: patterns.map { .init(function: $0.function, forecasts: $0.forecasts, mean_weekly: $0.meanWeekly,
                                           model: $0.model, baseline: $0.baseline) })
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Plain value types with finite numbers: encoding cannot fail.
        return String(decoding: try! e.encode(form), as: UTF8.self)
    }

    private func pct(_ v: Double?) -> String { v.map { Format.fixed($0 * 100, 1) + "%" } ?? "—" }
    private func num(_ v: Double?) -> String { v.map { Format.fixed($0, 4) } ?? "—" }
}

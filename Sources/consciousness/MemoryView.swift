import Daemon
import FeedbackLoop
import Foundation
import Trinity

/// What `consciousness memory` shows: the plan, the machine, what is resident, and —
/// for the seed's machine — the seed's own table beside the computed one.
struct MemoryView: Encodable {
    var source: String
    var roles: [RolePlan]
    var total_bytes: Int64
    var budget_bytes: Int64
    var effective_budget_bytes: Int64
    var time_shared: Bool
    var os_reserve_bytes: Int64
    var fits: Bool
    var mem_total_bytes: Int64?
    var mem_available_bytes: Int64?
    var pressure_full_avg10: Double?
    var resident: [Resident]
    var resident_bytes: Int64
    /// The running daemon whose governor's leases are shown (nil: none found).
    var daemon_pid: Int32?
    /// Where what Ollama holds differs from the plan.
    var differences: [String]
    var warnings: [String]
    var seed_comparison: [SeedRow]?

    /// One row of `ollama ps`, and what the plan says of it.
    struct Resident: Encodable {
        var model: String
        var role: Role?
        var size_bytes: Int64
        var context: Int?
        var planned_context: Int?
        var expires_at: String?
        var seconds_left: Double?
        /// Leases the running daemon's governor holds on it (nil: no daemon's view).
        var leases: Int?
    }

    struct SeedRow: Encodable {
        var role: Role
        var seed_context: Int
        var seed_gb_per_10k: Double
        var computed_context: Int
        var computed_gb_per_10k: Double?
    }

    static func make(_ c: DaemonConfig, profile: MemoryCommand.Profile?, root: String,
                     daemon: GovernorView? = nil) async -> MemoryView {
        guard let profile else {
            let m = await MachineMemoryPlan.current(c, root: root)
            var v = view(m.plan, source: m.source, resident: m.resident, extra: m.warnings, seed: false)
            v.daemon_pid = daemon?.pid
            for i in v.resident.indices {
                v.resident[i].leases = daemon?.models.first { $0.model == v.resident[i].model }.map(\.leases)
            }
            return v
        }
        let snapshot = MemorySnapshot(memTotal: profile.memTotal, memAvailable: profile.memTotal - 4_000_000_000,
                                      swapTotal: 0, swapFree: 0, pressureFullAvg10: 0)
        var warnings: [String] = []
        let profiles = c.builtInProfiles(c.cacheType, warnings: &warnings)
        let plan = MemoryPlan.make(profiles, budget: c.memoryBudget, snapshot: snapshot)
        return view(plan, source: "the \(profile.rawValue) profile, from the built-in table of the seed's models",
                    resident: [], extra: warnings, seed: profile == .gb48)
    }

    static func view(_ plan: MemoryPlan, source: String, resident governed: [GovernedModel], extra: [String],
                     seed: Bool) -> MemoryView {
        let comparison = seed ? plan.roles.compactMap { r -> SeedRow? in
            guard let s = KnownModels.seedTable[r.role] else { return nil }
            return SeedRow(role: r.role, seed_context: s.context, seed_gb_per_10k: s.gbPer10k,
                           computed_context: r.grantedContext, computed_gb_per_10k: r.kvBytesPer10kTokens.map { $0 / 1e9 })
        } : nil
        return MemoryView(source: source, roles: plan.roles, total_bytes: plan.totalBytes, budget_bytes: plan.budget.trinityBytes,
                          effective_budget_bytes: plan.effectiveBudget, time_shared: plan.timeShared,
                          os_reserve_bytes: plan.budget.osReserveBytes, fits: plan.fits,
                          mem_total_bytes: plan.snapshot.memTotal, mem_available_bytes: plan.snapshot.memAvailable,
                          pressure_full_avg10: plan.snapshot.pressureFullAvg10,
                          resident: governed.map { residentRow($0, plan) },
                          resident_bytes: governed.reduce(0) { $0 + $1.model.bytes }, daemon_pid: nil,
                          differences: differences(plan, governed),
                          warnings: extra + plan.warnings, seed_comparison: comparison)
    }

    static func residentRow(_ g: GovernedModel, _ plan: MemoryPlan) -> Resident {
        Resident(model: g.model.name, role: g.role, size_bytes: g.model.bytes, context: g.model.context,
                 planned_context: g.role.flatMap { plan.role($0)?.grantedContext }, expires_at: g.model.expiresAt,
                 seconds_left: g.model.secondsLeft())
    }

    /// Where Ollama's reality and the plan part: what it holds against the budget and
    /// the reserve, models no role uses, contexts the plan did not grant.
    static func differences(_ plan: MemoryPlan, _ governed: [GovernedModel]) -> [String] {
        func g(_ b: Int64) -> String { Format.fixed(Double(b) / 1e9, 1) + " GB" }
        var out: [String] = []
        let held = governed.reduce(Int64(0)) { $0 + $1.model.bytes }
        if held > plan.effectiveBudget {
            out.append("Ollama holds \(g(held)), over the \(g(plan.effectiveBudget)) the plan allows"
                       + (plan.timeShared ? " (the plan has the roles take turns; \(governed.count) models are loaded together)" : ""))
        }
        if let available = plan.snapshot.memAvailable, available < plan.budget.osReserveBytes {
            out.append("MemAvailable \(g(available)) is inside the \(g(plan.budget.osReserveBytes)) OS reserve")
        }
        for m in governed where m.role == nil {
            out.append("\(m.model.name) is loaded but no role uses it: its \(g(m.model.bytes)) count against the budget")
        }
        for m in governed {
            guard let role = m.role, let loaded = m.model.context, let planned = plan.role(role)?.grantedContext,
                  loaded > planned else { continue }
            out.append("\(m.model.name) (\(role.rawValue)) is loaded with num_ctx \(Format.group(Int64(loaded))), more than the plan's \(Format.group(Int64(planned)))")
        }
        return out
    }

    /// What Ollama holds now, as `ollama ps` shows it, with each model's role and the
    /// context the plan grants it; then where reality and the plan differ.
    func residentTable(_ g: (Int64?) -> String) -> [String] {
        guard !resident.isEmpty else { return ["Ollama holds no model now."] }
        var out = ["Ollama holds now (as `ollama ps`): \(g(resident_bytes)) of \(g(effective_budget_bytes)) allowed", "",
                   "| model | role | size | context | plan's context | until | governor |", "|---|---|---:|---:|---:|---|---|"]
        for r in resident {
            let ctx = r.context.map { Format.group(Int64($0)) } ?? "?"
            let planned = r.planned_context.map { Format.group(Int64($0)) } ?? "—"
            let governor = r.leases.map { $0 > 0 ? "leased (\($0))" : "idle" } ?? "—"
            out.append("| \(r.model) | \(r.role?.rawValue ?? "no role") | \(g(r.size_bytes)) | \(ctx) | \(planned) | \(until(r)) | \(governor) |")
        }
        out.append(daemon_pid.map { "Leases: the governor of the daemon running as PID \($0) (its last decision)." }
                   ?? "Leases: no running daemon's governor found in the state directory (--state-dir), so none shown.")
        out.append(differences.isEmpty ? "Reality matches the plan." : "Where reality and the plan differ:")
        out += differences.map { "- \($0)" }
        return out
    }

    /// When Ollama drops the model: in minutes when soon, "forever" for keep_alive -1
    /// (Ollama shows a date centuries ahead).
    func until(_ r: Resident) -> String {
        guard let left = r.seconds_left else { return r.expires_at ?? "?" }
        if left > 10 * 365 * 86_400 { return "forever" }
        if left < 0 { return "expired" }
        return left < 120 ? "\(Int(left)) s" : "\(Int(left / 60)) min"
    }

    func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    func text() -> String {
        func g(_ b: Int64?) -> String { b.map { Format.fixed(Double($0) / 1e9, 1) + " GB" } ?? "unknown" }
        var out = ["Memory plan (\(source))", ""]
        out.append("| role | model | weights | KV per 10k tokens | context granted | total | limited by |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for r in roles {
            let kv = r.kvBytesPer10kTokens.map { Format.fixed($0 / 1e9, 2) + " GB" } ?? "unknown"
            out.append("| \(r.role.rawValue) (\(r.role.job)) | \(r.model) | \(g(r.weightsBytes)) | \(kv) | \(Format.group(Int64(r.grantedContext))) | \(g(r.totalBytes)) | \(r.limitedBy) |")
        }
        out.append("")
        out.append((time_shared ? "Roles take turns (the largest alone: \(g(total_bytes)))" : "Total \(g(total_bytes))")
                   + " of \(g(effective_budget_bytes)) allowed (TRINITY_BUDGET_GB \(g(budget_bytes)), machine minus reserve); OS reserve \(g(os_reserve_bytes)); machine \(g(mem_total_bytes)), MemAvailable \(g(mem_available_bytes)), PSI full avg10 \(pressure_full_avg10.map { Format.fixed($0, 2) } ?? "unknown").")
        out.append(fits ? "✓ fits" : "✗ does not fit: lower TRINITY_BUDGET_GB, the *_NUM_CTX wishes, or OLLAMA_KV_CACHE_TYPE")
        out.append("")
        out += residentTable(g)
        for w in warnings { out.append("warning: \(w)") }
        if let rows = seed_comparison {
            out += ["", "The seed's table beside the computed one:", "",
                    "| role | seed: context | seed: GB per 10k | computed: context | computed: GB per 10k |",
                    "|---|---:|---:|---:|---:|"]
            for r in rows {
                out.append("| \(r.role.rawValue) | ~\(Format.group(Int64(r.seed_context))) | \(r.seed_gb_per_10k) | \(Format.group(Int64(r.computed_context))) | \(r.computed_gb_per_10k.map { Format.fixed($0, 2) } ?? "?") |")
            }
            out += ["", "Where they differ, and why: the seed's GB per 10k tokens are its authors' estimates;",
                    "the computed ones are llama.cpp's KV formula on the models' own architecture",
                    "(layers × (key + value length) × KV heads × 2 bytes, f16): the 22B needs 2.9× the seed's",
                    "figure. And its contexts exceed what the models were trained for: each model's",
                    "context_length is 32,768, so no role gets 60k or 136k tokens, however much memory",
                    "is left — the plan caps at the trained length and leaves the rest of the 20.4 GB unused."]
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// The Trinity's roles, each served by one model.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case architect, builder, controller, embedder

    public static func < (a: Role, b: Role) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// The seed's name for the job.
    public var job: String {
        switch self {
        case .architect: "planner"
        case .builder: "coder"
        case .controller: "scanner"
        case .embedder: "embeddings"
        }
    }
}

/// What the governor knows of a role's model.
public struct ModelProfile: Sendable, Equatable {
    public var role: Role
    public var model: String
    public var weightsBytes: Int64
    /// nil when `model_info` lacked the keys: the plan then grants the minimum context.
    public var kvBytesPerToken: Double?
    public var trainedContext: Int
    public var warnings: [String] = []

    public init(role: Role, model: String, weightsBytes: Int64, kvBytesPerToken: Double?, trainedContext: Int,
                warnings: [String] = []) {
        self.role = role
        self.model = model
        self.weightsBytes = weightsBytes
        self.kvBytesPerToken = kvBytesPerToken
        self.trainedContext = trainedContext
        self.warnings = warnings
    }
}

public struct Budget: Sendable, Equatable {
    /// Everything the models may hold: weights, KV cache, compute buffers (TRINITY_BUDGET_GB).
    public var trinityBytes: Int64 = 40_000_000_000
    /// Never planned into (OS_RESERVE_GB).
    public var osReserveBytes: Int64 = 8_000_000_000
    /// Per-role context wishes (*_NUM_CTX); the plan never grants more than fits.
    public var wantedContext: [Role: Int] = [:]
    /// The least context a role is given, even when memory is short.
    public var minContext = 2048
    /// Compute buffers and the like, as a share of the weights (checked against
    /// /api/ps after each load, and corrected).
    public var overheadFraction = 0.05

    public init() {}
}

public struct RolePlan: Sendable, Equatable, Codable {
    public var role: Role
    public var model: String
    public var weightsBytes: Int64
    public var kvBytesPer10kTokens: Double?
    public var grantedContext: Int
    public var kvBytes: Int64
    public var totalBytes: Int64
    /// Why the context is what it is: the trained length, a *_NUM_CTX wish, the budget.
    public var limitedBy: String
}

/// The plan: per role the largest context that fits the budget, capped at the
/// model's trained context length.
public struct MemoryPlan: Sendable, Equatable {
    public var roles: [RolePlan]
    public var budget: Budget
    public var snapshot: MemorySnapshot
    public var warnings: [String]
    /// The budget in force: TRINITY_BUDGET_GB, or less where the machine minus the OS
    /// reserve is smaller.
    public var effectiveBudget: Int64
    /// true when the weights together exceed the budget: the roles then take turns,
    /// each planned as if alone, and the governor unloads one to load another.
    public var timeShared: Bool

    /// Together — or, time-shared, each alone — within the budget the machine allows.
    public var fits: Bool {
        guard snapshot.memTotal != nil else { return false }
        return timeShared ? roles.allSatisfy { $0.totalBytes <= effectiveBudget } : totalBytes <= effectiveBudget
    }

    public var totalBytes: Int64 { timeShared ? (roles.map(\.totalBytes).max() ?? 0) : roles.reduce(0) { $0 + $1.totalBytes } }

    public static func make(_ profiles: [ModelProfile], budget: Budget, snapshot: MemorySnapshot) -> MemoryPlan {
        var warnings = snapshot.warnings + profiles.flatMap(\.warnings)
        let overhead = { (p: ModelProfile) in Int64(Double(p.weightsBytes) * budget.overheadFraction) }
        // Unknown machine size: plan as if it had only the reserve to spare (nothing fits).
        let machine = (snapshot.memTotal ?? budget.osReserveBytes) - budget.osReserveBytes
        let effective = min(budget.trinityBytes, machine)
        let together = profiles.reduce(Int64(0)) { $0 + $1.weightsBytes + overhead($1) }
        if together > effective, profiles.count > 1 {
            warnings.append("the weights together (\(gb(together))) exceed the \(gb(effective)) this machine allows: "
                            + "the roles take turns, each planned alone")
            let roles = profiles.flatMap { p in
                make([p], budget: budget, snapshot: snapshot).roles
            }.sorted { $0.role < $1.role }
            return MemoryPlan(roles: roles, budget: budget, snapshot: snapshot, warnings: warnings,
                              effectiveBudget: effective, timeShared: true)
        }
        let fixed = together
        // A model with unknown KV size is charged as the heaviest known one, at the minimum context.
        let worst = profiles.compactMap(\.kvBytesPerToken).max() ?? 262_144
        var remaining = Double(effective - fixed)
        var granted: [Role: (Int, String)] = [:]
        for p in profiles where p.kvBytesPerToken == nil {
            granted[p.role] = (budget.minContext, "model_info lacks the KV keys: minimum context")
            remaining -= Double(budget.minContext) * worst
        }
        // Water-filling: an equal share of the KV budget per role; a role whose cap
        // (trained length or wish) needs less gives the rest back to the others.
        var open = profiles.filter { $0.kvBytesPerToken != nil }
        while !open.isEmpty {
            let share = max(0, remaining) / Double(open.count)
            let capped = open.filter { Double(cap($0, budget).0) * $0.kvBytesPerToken! <= share }
            if capped.isEmpty {
                for p in open {
                    let ctx = max(budget.minContext, round256(share / p.kvBytesPerToken!))
                    granted[p.role] = (ctx, ctx == budget.minContext && share / p.kvBytesPerToken! < Double(budget.minContext)
                                       ? "budget exhausted: minimum context" : "the KV budget")
                }
                break
            }
            for p in capped {
                let (ctx, why) = cap(p, budget)
                granted[p.role] = (ctx, why)
                remaining -= Double(ctx) * p.kvBytesPerToken!
            }
            open.removeAll { p in capped.contains { $0.role == p.role } }
        }
        if effective < fixed {
            warnings.append("\(profiles.map(\.model).joined(separator: ", ")) alone needs \(gb(fixed)) of weights; "
                            + "only \(gb(effective)) is allowed")
        }
        let roles = profiles.map { p -> RolePlan in
            let (ctx, why) = granted[p.role] ?? (budget.minContext, "minimum")
            let kv = Int64(Double(ctx) * (p.kvBytesPerToken ?? worst))
            return RolePlan(role: p.role, model: p.model, weightsBytes: p.weightsBytes,
                            kvBytesPer10kTokens: p.kvBytesPerToken.map { $0 * 10_000 }, grantedContext: ctx, kvBytes: kv,
                            totalBytes: p.weightsBytes + overhead(p) + kv, limitedBy: why)
        }.sorted { $0.role < $1.role }
        return MemoryPlan(roles: roles, budget: budget, snapshot: snapshot, warnings: warnings,
                          effectiveBudget: effective, timeShared: false)
    }

    static func cap(_ p: ModelProfile, _ b: Budget) -> (Int, String) {
        if let wish = b.wantedContext[p.role], wish < p.trainedContext { return (max(b.minContext, wish), "\(p.role.job.uppercased())_NUM_CTX") }
        return (p.trainedContext, "the trained context length")
    }

    static func round256(_ tokens: Double) -> Int { tokens.isFinite && tokens > 0 ? Int(tokens) / 256 * 256 : 0 }

    public func role(_ r: Role) -> RolePlan? { roles.first { $0.role == r } }
}

func gb(_ bytes: Int64) -> String {
    let v = Double(bytes) / 1e9
    return "\(Double(Int(v * 10)) / 10) GB"
}

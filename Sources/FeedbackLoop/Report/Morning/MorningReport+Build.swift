import Foundation

extension MorningReport {
    /// The report from the night's inputs, with the template's narrative. Pure.
    public static func build(_ i: NightInputs) -> MorningReport {
        let digests = i.cycles.compactMap(\.digest)
        var r = MorningReport(
            night: i.night, generatedAt: Timestamp.iso8601(i.generatedAt), origin: i.origin,
            cycles: tally(i), violations: violations(i), patterns: patterns(i, last: digests.last),
            hourLabels: i.night.bucketHours.map { Night.localClock(of: Int64($0) * Timestamp.microsPerHour, in: i.zone) },
            forecasts: (digests.last?.predictions ?? []).map {
                NightForecast(function: $0.function, expected: $0.expected, low: $0.interval.first ?? 0,
                              high: $0.interval.last ?? 0, probability: $0.probability, lowConfidence: $0.lowConfidence)
            },
            accuracy: i.accuracy.map { accuracy($0, scoredInNight: i.scoredInNight) },
            proposals: i.pending.map { pending($0, ranks: ranks(digests.last)) }, vectorMemory: vectorMemory(digests),
            apiCalls: apiCalls(digests, before: i.apiCallsBefore, remote: i.remote),
            peakRssBytes: digests.compactMap(\.peakRssBytes).max(),
            lowestMemoryAvailableBytes: digests.compactMap(\.memoryAvailableBytes).min(),
            models: models(digests.flatMap { $0.modelCalls ?? [] }), degraded: degraded(i.cycles),
            narrative: Narrative(text: "", author: Narrative.templateAuthor, ranking: []))
        r.fixes = digests.last?.fixes
        r.narrative = Narrative.template(r)
        return r
    }

    /// Schedule slots are the multiples of the interval since the epoch (the daemon's
    /// schedule); those that begin in [from, to) were due. The night's slots count from
    /// when the daemon began watching, and, for a night in progress, up to now.
    /// With a night run's `window`, only the slots inside it (or, when it holds none,
    /// its one cycle at the opening).
    static func scheduledSlots(_ night: Night, intervalSeconds: Int64, watchingSince: Microseconds? = nil,
                               now: Microseconds? = nil, window: NightWindow? = nil) -> Int {
        let step = max(1, intervalSeconds) * Timestamp.microsPerSecond
        func ceilDiv(_ a: Int64) -> Int64 { a >= 0 ? (a + step - 1) / step : a / step }
        let from = max(night.start, watchingSince ?? night.start)
        let to = min(night.end, now ?? night.end)
        guard let window else { return Int(max(0, ceilDiv(to) - ceilDiv(from))) }
        var n = 0
        var t = ceilDiv(from) * step
        while t < to {
            if window.contains(t) { n += 1 }
            t += step
        }
        return n == 0 && from < to && window.firstDue(interval: step, from: from) < to ? 1 : n
    }

    static func tally(_ i: NightInputs) -> CycleTally {
        let results = i.cycles.map(\.result)
        return CycleTally(scheduled: scheduledSlots(i.night, intervalSeconds: i.cycleIntervalSeconds,
                                                    watchingSince: i.watchingSince, now: i.generatedAt, window: i.window),
                          intervalSeconds: i.cycleIntervalSeconds,
                          completed: results.filter { $0 == .completed || $0 == .degraded }.count,
                          degraded: results.filter { $0 == .degraded }.count,
                          failed: results.filter { $0 == .failed }.count,
                          interrupted: results.filter { $0 == .running }.count,
                          first: i.cycles.first?.id, last: i.cycles.last?.id)
    }

    static func violations(_ i: NightInputs) -> ViolationTally {
        ViolationTally(occurred: i.hourly.values.reduce(0) { $0 + $1.reduce(0, +) },
                       ingested: i.cycles.reduce(0) { $0 + ($1.digest?.ingest?.ingested ?? 0) },
                       linesRead: i.cycles.reduce(0) { $0 + ($1.digest?.ingest?.linesRead ?? 0) },
                       malformed: i.cycles.reduce(0) { $0 + ($1.malformed ?? 0) })
    }

    /// The last analysis's patterns with the night's counts; with no analysis in the
    /// night, the functions that had violations, their trend unknown.
    static func patterns(_ i: NightInputs, last: CycleDigest?) -> [NightPattern] {
        let width = i.night.bucketHours.count
        func hourly(_ f: String) -> [Int64] { i.hourly[f] ?? Array(repeating: 0, count: width) }
        guard let last else {
            return i.hourly.keys.sorted().map { f in
                let h = hourly(f)
                return NightPattern(patternId: "pattern_\(f)", function: f, trend: nil, trendSummary: nil, rank: nil,
                                    urgency: nil, windowCount: h.reduce(0, +), nightCount: h.reduce(0, +), hourly: h)
            }
        }
        return last.patternsDetected.sorted { ($0.priority?.rank ?? .max) < ($1.priority?.rank ?? .max) }.map { p in
            let h = hourly(p.functionName)
            return NightPattern(patternId: p.patternId, function: p.functionName, trend: p.trend,
                                trendSummary: p.trendSummary, rank: p.priority?.rank, urgency: p.priority?.urgency,
                                windowCount: p.frequency,
                                nightCount: h.reduce(0, +), hourly: h)
        }
    }

    static func accuracy(_ a: ForecastAccuracy, scoredInNight: Int) -> AccuracySoFar {
        AccuracySoFar(scored: a.allTime.forecasts, pending: a.pending, scoredInNight: scoredInNight,
                      mape: a.allTime.mape, meanAbsoluteError: a.allTime.meanAbsoluteError,
                      intervalCoverage: a.allTime.intervalCoverage, brier: a.allTime.brier,
                      lastThirtyDaysScored: a.lastThirtyDays.forecasts, lastThirtyDaysMape: a.lastThirtyDays.mape)
    }

    static func pending(_ r: ProposalRecord, ranks: [String: Int] = [:]) -> PendingProposal {
        PendingProposal(id: r.id, agent: r.proposal.agent, confidence: r.proposal.confidence,
                        evidenceVolume: r.proposal.evidence.reduce(0) { $0 + $1.frequency },
                        patterns: r.proposal.evidence.map(\.function), targetFile: r.proposal.targetFile,
                        priorityRank: r.proposal.evidence.compactMap { ranks[$0.patternID] }.min())
    }

    /// Each pattern's priority rank in a cycle's analysis.
    static func ranks(_ d: CycleDigest?) -> [String: Int] {
        Dictionary((d?.patternsDetected ?? []).compactMap { p in p.priority.map { (p.patternId, $0.rank) } },
                   uniquingKeysWith: min)
    }

    static func vectorMemory(_ digests: [CycleDigest]) -> VectorMemoryNight? {
        let grown = digests.compactMap(\.vectorMemory)
        guard let last = grown.last else { return nil }
        return VectorMemoryNight(added: grown.reduce(0) { $0 + $1.added }, updated: grown.reduce(0) { $0 + $1.updated },
                                 entries: last.entries, bytes: last.bytes, embedder: last.embedder,
                                 cyclesRecorded: grown.count)
    }

    /// The reports' request counts are the model client's counters since its process
    /// started, so the night's requests are their increase: from the last value before
    /// the night, each step up, and after a restart (a drop) the new value whole — as
    /// Prometheus's `increase()` reads a counter.
    static func counterIncrease(_ values: [Int], baseline: Int?) -> Int {
        var previous = baseline ?? 0
        var total = 0
        for v in values {
            total += v >= previous ? v - previous : v
            previous = v
        }
        return total
    }

    /// The night's outbound calls: the cycles' loopback requests, and the remote
    /// Architect's ledger when it was asked (or refused by the cap).
    public static func apiCalls(_ digests: [CycleDigest], before: Int?, remote: RemoteSpend) -> ApiCalls {
        let local = apiCalls(digests, before: before)
        guard remote.calls + remote.refusedByCap > 0 else { return local }
        var note = "\(remote.calls) call\(remote.calls == 1 ? "" : "s") to the remote Architect (AGENCY_MODE=hybrid), "
            + "\(Format.group(Int64(remote.promptTokens))) prompt + \(Format.group(Int64(remote.completionTokens))) completion tokens"
        if let cap = remote.capUSD { note += ", against the night's cap of $\(Format.fixed(cap, 2))" }
        if remote.refusedByCap > 0 { note += "; \(remote.refusedByCap) not made: \(remote.refusedByCap == 1 ? "it" : "each") could have crossed the cap" }
        note += "; every other model ran locally"
        return ApiCalls(remote: remote.calls, loopback: local.loopback, costUsd: remote.spentUSD, costNote: note,
                        promptTokens: remote.promptTokens, completionTokens: remote.completionTokens, capUsd: remote.capUSD,
                        refusedByCap: remote.refusedByCap)
    }

    static func apiCalls(_ digests: [CycleDigest], before: Int?) -> ApiCalls {
        let counted = digests.compactMap(\.outboundRequests)
        guard !counted.isEmpty else {
            let remote = digests.compactMap(\.apiCalls)
            if remote.isEmpty {
                return ApiCalls(remote: nil, loopback: nil, costUsd: 0,
                                costNote: "no model client ran in the night's cycles, so nothing could be billed")
            }
            return priced(remote: counterIncrease(remote, baseline: before), loopback: nil)
        }
        return priced(remote: counterIncrease(counted.map(\.remote), baseline: before),
                      loopback: counterIncrease(counted.map(\.loopback), baseline: nil))
    }

    static func priced(remote: Int, loopback: Int?) -> ApiCalls {
        if remote == 0 {
            return ApiCalls(remote: 0, loopback: loopback, costUsd: 0,
                            costNote: "every model runs locally through Ollama on this machine; no request left it")
        }
        return ApiCalls(remote: remote, loopback: loopback, costUsd: nil,
                        costNote: "\(remote) request(s) left the machine; this build does not price remote models")
    }

    static func models(_ calls: [ModelCallRecord]) -> [ModelNight] {
        ModelUsage.of(calls)
    }

    static func degraded(_ cycles: [NightInputs.CycleRow]) -> [DegradedStage] {
        cycles.flatMap { c -> [DegradedStage] in
            switch c.result {
            case .failed:
                return [DegradedStage(cycle: c.id, stage: "cycle", outcome: "failed", detail: c.failure ?? "no reason recorded")]
            case .running:
                return [DegradedStage(cycle: c.id, stage: "cycle", outcome: "interrupted",
                                      detail: "started at \(Timestamp.iso8601(c.startedAt)) and never finished (stopped or killed mid-cycle)")]
            case .completed, .degraded:
                return (c.digest?.degradedStages ?? []).map {
                    DegradedStage(cycle: c.id, stage: $0.stage.rawValue, outcome: $0.outcome.rawValue, detail: $0.detail)
                }
            }
        }
    }
}

import Foundation

/// Everything a morning report is built from, as plain values gathered from the store:
/// the night's cycles (their stored reports decoded), its hourly violation counts, the
/// pending proposals and the forecast accuracy so far.
public struct NightInputs: Sendable {
    /// A cycle as the `cycles` table holds it.
    public struct CycleRow: Sendable, Equatable {
        public var id: Int64
        public var startedAt: Microseconds
        /// "completed", "degraded", "failed" or "running" (never finished).
        public var result: CycleResult
        public var malformed: Int64?
        /// The decoded report; nil for a failed or unfinished cycle.
        public var digest: CycleDigest?
        /// A failed cycle's reason.
        public var failure: String?

        public init(id: Int64, startedAt: Microseconds, result: CycleResult, malformed: Int64?, digest: CycleDigest?,
                    failure: String?) {
            self.id = id
            self.startedAt = startedAt
            self.result = result
            self.malformed = malformed
            self.digest = digest
            self.failure = failure
        }
    }

    public var night: Night
    public var zone: TimeZone
    public var cycleIntervalSeconds: Int64
    /// The night's cycles, oldest first.
    public var cycles: [CycleRow]
    /// `api_calls` of the last cycle before the night: the counter's baseline.
    public var apiCallsBefore: Int?
    /// Violations per function per store hour of `night.bucketHours`, oldest first.
    public var hourly: [String: [Int64]]
    public var pending: [ProposalRecord]
    public var accuracy: ForecastAccuracy?
    public var scoredInNight: Int
    public var generatedAt: Microseconds
    public var origin: MorningReport.Origin
    /// When the daemon began watching (its first cycle in this store): slots before it
    /// were never scheduled, and are not counted as missed.
    public var watchingSince: Microseconds?
    /// AUTONOMOUS_NIGHT_RUN's window: only its slots were scheduled.
    public var window: NightWindow?
    /// The remote Architect's calls booked against this night (AGENCY_MODE=hybrid).
    public var remote = RemoteSpend.none

    public init(night: Night, zone: TimeZone, cycleIntervalSeconds: Int64, cycles: [CycleRow], apiCallsBefore: Int?,
                hourly: [String: [Int64]], pending: [ProposalRecord], accuracy: ForecastAccuracy?, scoredInNight: Int,
                generatedAt: Microseconds, origin: MorningReport.Origin) {
        self.night = night
        self.zone = zone
        self.cycleIntervalSeconds = cycleIntervalSeconds
        self.cycles = cycles
        self.apiCallsBefore = apiCallsBefore
        self.hourly = hourly
        self.pending = pending
        self.accuracy = accuracy
        self.scoredInNight = scoredInNight
        self.generatedAt = generatedAt
        self.origin = origin
    }
}

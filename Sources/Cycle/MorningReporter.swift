import FeedbackLoop
import Foundation
import StateStore

/// Makes a night's morning report from the store, writes its files and keeps it: the
/// seam the daemon (at MORNING_REPORT_AT) and `consciousness report --morning` share.
public struct MorningReporter: Sendable {
    public let store: StateStore

    public init(store: StateStore) { self.store = store }

    /// The files a report was written to.
    public struct Files: Sendable, Equatable {
        public var markdown: String
        public var json: String
        public var chart: String
    }

    /// The night's inputs, read from the store.
    public func gather(_ night: Night, zone: TimeZone, cycleIntervalSeconds: Int64, generatedAt: Microseconds,
                       origin: MorningReport.Origin, watchingSince: Microseconds? = nil,
                       window: NightWindow? = nil) throws -> NightInputs {
        let rows = try store.cycles(startedFrom: night.start, before: night.end).map { c in
            NightInputs.CycleRow(id: c.id, startedAt: c.startedAt, result: c.result, malformed: c.malformed,
                                 digest: c.reportJSON.flatMap(CycleDigest.decode), failure: c.failure)
        }
        let before = try store.lastFinishedCycle(before: night.start)?.reportJSON.flatMap(CycleDigest.decode)
        let (accuracy, scored) = try store.forecastAccuracy(asOf: night.end, nightStart: night.start)
        var inputs = NightInputs(night: night, zone: zone, cycleIntervalSeconds: cycleIntervalSeconds, cycles: rows,
                                 apiCallsBefore: before?.outboundRequests?.remote ?? before?.apiCalls,
                                 hourly: try store.hourlyCounts(hours: night.bucketHours), pending: try store.pendingProposals(),
                                 accuracy: accuracy, scoredInNight: scored, generatedAt: generatedAt, origin: origin)
        inputs.watchingSince = try watchingSince ?? store.cycle(1)?.startedAt
        inputs.window = window
        inputs.remote = try store.remoteSpend(night: night.date)
        return inputs
    }

    /// Gathers and builds; `narrator` may replace the template's narrative.
    public func make(_ night: Night, zone: TimeZone, cycleIntervalSeconds: Int64, generatedAt: Microseconds,
                     origin: MorningReport.Origin, narrator: Narrator? = nil,
                     watchingSince: Microseconds? = nil, window: NightWindow? = nil) async throws -> MorningReport {
        let inputs = try gather(night, zone: zone, cycleIntervalSeconds: cycleIntervalSeconds, generatedAt: generatedAt,
                                origin: origin, watchingSince: watchingSince, window: window)
        var report = await MorningReport.make(inputs, narrator: narrator)
        // The narrator may have called the remote Architect: the ledger as it is now.
        let remote = try store.remoteSpend(night: night.date)
        if remote != inputs.remote {
            report.apiCalls = MorningReport.apiCalls(inputs.cycles.compactMap(\.digest), before: inputs.apiCallsBefore, remote: remote)
        }
        return report
    }

    /// `morning-YYYY-MM-DD.md`, `.json` and `.svg` in `directory`, each replaced whole.
    public static func write(_ r: MorningReport, to directory: String) throws -> Files {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = (directory as NSString).appendingPathComponent("morning-\(r.night.date)")
        let files = Files(markdown: base + ".md", json: base + ".json", chart: base + ".svg")
        let chartName = (files.chart as NSString).lastPathComponent
        try ReplacedFile.write(NightChart.svg(r), to: files.chart)
        try ReplacedFile.write(r.json(), to: files.json)
        try ReplacedFile.write(r.markdown(chart: chartName), to: files.markdown)
        return files
    }

    /// Keeps the report so it can be printed again.
    public func save(_ r: MorningReport, writtenAt: Microseconds) throws {
        try store.saveMorningReport(date: r.night.date.description, nightStart: r.night.start, nightEnd: r.night.end,
                                    writtenAt: writtenAt, json: r.json())
    }
}

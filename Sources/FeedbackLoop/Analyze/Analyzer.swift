/// What Analyze found in a window.
public struct Analysis: Sendable, Equatable {
    public var window: AnalysisWindow
    public var violationsAnalyzed: Int64
    public var patterns: [Pattern]
    /// Signatures in the window that name no article, for a model to classify.
    public var unclassifiedSignatures: [String]

    /// Dollars a year at the forecast rates (0 before the forecasts are made).
    public var totalROIPotential: Double { patterns.reduce(0) { $0 + $1.roiCostSaved } }

}

/// Analyze: groups the window's buckets by function into patterns. Pure: buckets and
/// a window in, values out.
public enum Analyzer {
    /// `rate`: the settings of the rate reading (shared with the forecasts: the same
    /// history, the same tests). `firstSeen`: each function's first violation in the
    /// whole history, where the store knows it.
    public static func analyze(_ rows: [BucketRow], window: AnalysisWindow,
                               settings: AnalysisSettings = AnalysisSettings(),
                               rate: ForecastSettings = ForecastSettings(),
                               firstSeen: [String: Int64] = [:]) -> Analysis {
        analyzeWithHistories(rows, window: window, settings: settings, rate: rate, firstSeen: firstSeen).analysis
    }

    /// The same, and the histories the rate reading read (ending the hour before the
    /// window's end), for the forecasts not to sum them again.
    public static func analyzeWithHistories(_ rows: [BucketRow], window: AnalysisWindow,
                                            settings: AnalysisSettings = AnalysisSettings(),
                                            rate: ForecastSettings = ForecastSettings(),
                                            firstSeen: [String: Int64] = [:])
        -> (analysis: Analysis, histories: FunctionHistories) {
        // The history is read for two figures per function, made in this one pass; the
        // window's rows are kept as positions, not copies (a row holds three references).
        let historyEnd = window.endHour - 1, historyHours = Predictor.historyHours(rate)
        var functions = FunctionGroups(hours: historyHours)
        var total: Int64 = 0
        var unclassified = Set<String>()
        rows.withUnsafeBufferPointer { rows in
            // Rows come by hour, then function: a function's signatures in an hour are
            // neighbours, so the last row's slot is tried first. Its name is most often
            // the same String (one per function, from the store's lookup table), which
            // compares without reading the bytes; hashing every row's name was a third
            // of the stage.
            var last = (function: "", slot: -1)
            for i in rows.indices {
                let slot: Int
                if last.slot >= 0, rows[i].function == last.function { slot = last.slot } else {
                    slot = functions.slot(rows[i].function)
                    last = (rows[i].function, slot)
                }
                functions.histories[slot].add(rows[i].totals, hour: rows[i].hour, endHour: historyEnd)
                guard rows[i].hour >= window.startHour && rows[i].hour <= window.endHour else { continue }
                functions.inWindow[slot].append(i)
                total += rows[i].totals.count
                if rows[i].articles.isEmpty { unclassified.insert(rows[i].signature) }
            }
        }
        let patterns = functions.names.indices.compactMap { slot -> Pattern? in
            guard !functions.inWindow[slot].isEmpty else { return nil }
            return pattern(functions.names[slot], rows, functions.inWindow[slot], history: functions.histories[slot],
                           window, settings, rate, firstSeen[functions.names[slot]])
        }.sorted { ($0.frequency, $1.functionName) > ($1.frequency, $0.functionName) }
        return (Analysis(window: window, violationsAnalyzed: total, patterns: patterns,
                         unclassifiedSignatures: unclassified.sorted()),
                functions.byName(endHour: historyEnd))
    }

    /// Rows grouped by function: a dense slot per function, found by one hash of its
    /// name per row, and the slot's values kept in arrays, changed in place. (Through a
    /// dictionary's value, an hourly series was copied on every row it was added to.)
    struct FunctionGroups {
        let hours: Int
        var slots: [String: Int] = [:]
        var names: [String] = []
        var histories: [FunctionHistory] = []
        var inWindow: [[Int]] = []

        init(hours: Int) { self.hours = hours }

        mutating func slot(_ function: String) -> Int {
            if let s = slots[function] { return s }
            slots[function] = names.count
            names.append(function)
            histories.append(FunctionHistory(hours: hours))
            inWindow.append([])
            return names.count - 1
        }

        /// Each function's series by its name, ending at `endHour`.
        func byName(endHour: Int32) -> FunctionHistories {
            FunctionHistories(endHour: endHour,
                              hourly: Dictionary(uniqueKeysWithValues: zip(names, histories.lazy.map(\.hourly))))
        }
    }

    /// What a pattern needs of a function's whole history: its first violation, and its
    /// hourly counts over the hours the rate reading looks back.
    struct FunctionHistory {
        var first = Int64.max
        var hourly: [Int64]

        init(hours: Int) { hourly = [Int64](repeating: 0, count: max(0, hours)) }

        mutating func add(_ row: BucketRow, endHour: Int32) { add(row.totals, hour: row.hour, endHour: endHour) }

        /// The row's figures alone: a whole row passed on is a copy, three references.
        mutating func add(_ totals: BucketTotals, hour: Int32, endHour: Int32) {
            first = min(first, totals.first)
            let i = Int(hour) - (Int(endHour) - hourly.count + 1)
            if i >= 0, i < hourly.count { hourly[i] += totals.count }
        }
    }

    /// The pattern of `function` from its rows in the window (`positions` in `rows`).
    static func pattern(_ function: String, _ rows: [BucketRow], _ positions: [Int], history: FunctionHistory,
                        _ window: AnalysisWindow, _ settings: AnalysisSettings, _ rate: ForecastSettings,
                        _ firstSeen: Int64?) -> Pattern? {
        let count = positions.reduce(0) { $0 + rows[$1].totals.count }
        guard count >= settings.minOccurrences else { return nil }
        var articles = ArticleSet()
        var bySignature: [String: (ArticleSet, Int64)] = [:]
        var classifiedBy: [String: String] = [:]
        var severities = Set<String>()
        var lastSeverities: [String] = []
        var last = Int64.min
        var hourly = FunctionHistory(hours: window.hours)
        rows.withUnsafeBufferPointer { rows in
            for i in positions {
                articles.formUnion(rows[i].articles)
                bySignature[rows[i].signature, default: (rows[i].articles, 0)].1 += rows[i].totals.count
                if let m = rows[i].classifiedBy { classifiedBy[rows[i].signature] = m }
                // Rows share their severity lists (one per mask, as the store reads
                // them): a list equal to the last one — the same storage, at once — is
                // already in.
                if rows[i].severities != lastSeverities {
                    severities.formUnion(rows[i].severities)
                    lastSeverities = rows[i].severities
                }
                last = max(last, rows[i].totals.last)
                hourly.add(rows[i].totals, hour: rows[i].hour, endHour: window.endHour)
            }
        }
        let first = history.first
        let signatures = bySignature.map {
            Pattern.SignatureCount(signature: $0.key, articles: $0.value.0.names, count: $0.value.1,
                                   classifiedBy: classifiedBy[$0.key])
        }.sorted { ($0.count, $1.signature) > ($1.count, $0.signature) }
        return Pattern(
            patternID: "pattern_\(function)", functionName: function, articlesViolated: articles.names,
            frequency: count, confidence: 0, roiHoursSaved: 0, roiCostSaved: 0,
            fixSuggestion: FixSuggestion.for(function: function, articles: articles),
            rate: RateModel.read(history: history.hourly, rate),
            firstSeen: Timestamp.iso8601(min(first, firstSeen ?? first)), lastSeen: Timestamp.iso8601(last),
            agent: AgentName.infer(fromFunction: function), severities: severities.sorted(),
            signatures: signatures, hourly: hourly.hourly)
    }

    /// Each function's counts per hour for the `hours` hours ending at `endHour`, oldest
    /// first, in one pass over the rows.
    public static func seriesByFunction(_ rows: [BucketRow], endHour: Int32, hours: Int) -> FunctionHistories {
        var functions = FunctionGroups(hours: hours)
        rows.withUnsafeBufferPointer { rows in
            for i in rows.indices {
                functions.histories[functions.slot(rows[i].function)].add(rows[i].totals, hour: rows[i].hour, endHour: endHour)
            }
        }
        return functions.byName(endHour: endHour)
    }

    /// Counts per hour for the `hours` hours ending at `endHour`, oldest first.
    public static func series(_ rows: [BucketRow], endHour: Int32, hours: Int) -> [Int64] {
        var h = FunctionHistory(hours: hours)
        for r in rows { h.add(r, endHour: endHour) }
        return h.hourly
    }
}

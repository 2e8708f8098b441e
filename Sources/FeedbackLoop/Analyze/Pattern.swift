/// A recurring violation: one function with `minOccurrences` or more violations in
/// the window. Field names follow the original tool's JSON.
public struct Pattern: Sendable, Equatable, Codable {
    /// Stable across cycles (`pattern_<function>`): the original put the count in the
    /// id, so the same pattern changed id every cycle and could not be followed.
    public var patternID: String
    public var functionName: String
    public var articlesViolated: [String]
    public var frequency: Int64
    /// The forecast's confidence (see `Forecast.confidence`), once it is made; 0 before.
    public var confidence: Double
    /// Hours and dollars a year at the forecast rate, under the printed assumptions
    /// (`CostAssumptions`); 0 before the forecast is made.
    public var roiHoursSaved: Double
    public var roiCostSaved: Double
    public var fixSuggestion: String
    public var trend: Trend
    /// The rate reading the label, the forecast and the priority share.
    public var rate: RateReading
    /// First violation in the whole history (not the window's start).
    public var firstSeen: String
    public var lastSeen: String
    public var agent: String
    public var severities: [String]
    /// The most severe of `severities`: what the cost and the priority weigh.
    public var severity: String
    /// Rank, urgency and cost, set once the forecasts are made (nil before).
    public var priority: Priority?
    public var signatures: [SignatureCount]
    /// Violations per hour across the window, oldest first (not in the JSON).
    public var hourly: [Int64]

    public struct SignatureCount: Sendable, Equatable, Codable {
        public var signature: String
        public var articles: [String]
        public var count: Int64
        /// The model whose classification named the article (nil: the text named it).
        public var classifiedBy: String? = nil

        enum CodingKeys: String, CodingKey {
            case signature, articles, count, classifiedBy = "classified_by"
        }
    }

    enum CodingKeys: String, CodingKey {
        case patternID = "pattern_id", functionName = "function_name"
        case articlesViolated = "articles_violated", frequency, confidence
        case roiHoursSaved = "roi_hours_saved", roiCostSaved = "roi_cost_saved"
        case fixSuggestion = "fix_suggestion", trend, rate, trendSummary = "trend_summary"
        case firstSeen = "first_seen", lastSeen = "last_seen", agent, severities, severity, priority, signatures
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(patternID, forKey: .patternID)
        try c.encode(functionName, forKey: .functionName)
        try c.encode(articlesViolated, forKey: .articlesViolated)
        try c.encode(frequency, forKey: .frequency)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(roiHoursSaved, forKey: .roiHoursSaved)
        try c.encode(roiCostSaved, forKey: .roiCostSaved)
        try c.encode(fixSuggestion, forKey: .fixSuggestion)
        try c.encode(trend, forKey: .trend)
        try c.encode(rate.summary, forKey: .trendSummary)
        try c.encode(rate, forKey: .rate)
        try c.encode(firstSeen, forKey: .firstSeen)
        try c.encode(lastSeen, forKey: .lastSeen)
        try c.encode(agent, forKey: .agent)
        try c.encode(severities, forKey: .severities)
        try c.encode(severity, forKey: .severity)
        try c.encodeIfPresent(priority, forKey: .priority)
        try c.encode(signatures, forKey: .signatures)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patternID = try c.decode(String.self, forKey: .patternID)
        functionName = try c.decode(String.self, forKey: .functionName)
        articlesViolated = try c.decode([String].self, forKey: .articlesViolated)
        frequency = try c.decode(Int64.self, forKey: .frequency)
        confidence = try c.decode(Double.self, forKey: .confidence)
        roiHoursSaved = try c.decode(Double.self, forKey: .roiHoursSaved)
        roiCostSaved = try c.decode(Double.self, forKey: .roiCostSaved)
        fixSuggestion = try c.decode(String.self, forKey: .fixSuggestion)
        trend = try c.decode(Trend.self, forKey: .trend)
        // Reports stored before the rate reading existed decode with an empty one.
        rate = try c.decodeIfPresent(RateReading.self, forKey: .rate) ?? RateReading.read(hourly: [])
        firstSeen = try c.decode(String.self, forKey: .firstSeen)
        lastSeen = try c.decode(String.self, forKey: .lastSeen)
        agent = try c.decode(String.self, forKey: .agent)
        severities = try c.decode([String].self, forKey: .severities)
        severity = try c.decodeIfPresent(String.self, forKey: .severity) ?? Severity.highest(severities)
        priority = try c.decodeIfPresent(Priority.self, forKey: .priority)
        signatures = try c.decode([SignatureCount].self, forKey: .signatures)
        hourly = []
    }

    init(patternID: String, functionName: String, articlesViolated: [String], frequency: Int64,
         confidence: Double, roiHoursSaved: Double, roiCostSaved: Double, fixSuggestion: String,
         rate: RateReading, firstSeen: String, lastSeen: String, agent: String,
         severities: [String], signatures: [SignatureCount], hourly: [Int64]) {
        self.patternID = patternID
        self.functionName = functionName
        self.articlesViolated = articlesViolated
        self.frequency = frequency
        self.confidence = confidence
        self.roiHoursSaved = roiHoursSaved
        self.roiCostSaved = roiCostSaved
        self.fixSuggestion = fixSuggestion
        self.trend = rate.trend
        self.rate = rate
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.agent = agent
        self.severities = severities
        self.severity = Severity.highest(severities)
        self.signatures = signatures
        self.hourly = hourly
    }
}

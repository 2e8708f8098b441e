/// A recurring violation: one function with `minOccurrences` or more violations in
/// the window. Field names follow the original tool's JSON.
public struct Pattern: Sendable, Equatable, Codable {
    /// Stable across cycles (`pattern_<function>`): the original put the count in the
    /// id, so the same pattern changed id every cycle and could not be followed.
    public var patternID: String
    public var functionName: String
    public var articlesViolated: [String]
    public var frequency: Int64
    public var confidence: Double
    public var roiHoursSaved: Double
    public var roiCostSaved: Double
    public var fixSuggestion: String
    public var trend: Trend
    public var trendTest: TrendVerdict
    public var firstSeen: String
    public var lastSeen: String
    public var agent: String
    public var severities: [String]
    public var signatures: [SignatureCount]
    /// Violations per hour across the window, oldest first (not in the JSON).
    public var hourly: [Int64]

    public struct SignatureCount: Sendable, Equatable, Codable {
        public var signature: String
        public var articles: [String]
        public var count: Int64
    }

    enum CodingKeys: String, CodingKey {
        case patternID = "pattern_id", functionName = "function_name"
        case articlesViolated = "articles_violated", frequency, confidence
        case roiHoursSaved = "roi_hours_saved", roiCostSaved = "roi_cost_saved"
        case fixSuggestion = "fix_suggestion", trend, trendTest = "trend_test"
        case firstSeen = "first_seen", lastSeen = "last_seen", agent, severities, signatures
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
        trendTest = try c.decode(TrendVerdict.self, forKey: .trendTest)
        firstSeen = try c.decode(String.self, forKey: .firstSeen)
        lastSeen = try c.decode(String.self, forKey: .lastSeen)
        agent = try c.decode(String.self, forKey: .agent)
        severities = try c.decode([String].self, forKey: .severities)
        signatures = try c.decode([SignatureCount].self, forKey: .signatures)
        hourly = []
    }

    init(patternID: String, functionName: String, articlesViolated: [String], frequency: Int64,
         confidence: Double, roiHoursSaved: Double, roiCostSaved: Double, fixSuggestion: String,
         trend: TrendVerdict, firstSeen: String, lastSeen: String, agent: String,
         severities: [String], signatures: [SignatureCount], hourly: [Int64]) {
        self.patternID = patternID
        self.functionName = functionName
        self.articlesViolated = articlesViolated
        self.frequency = frequency
        self.confidence = confidence
        self.roiHoursSaved = roiHoursSaved
        self.roiCostSaved = roiCostSaved
        self.fixSuggestion = fixSuggestion
        self.trend = trend.trend
        self.trendTest = trend
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.agent = agent
        self.severities = severities
        self.signatures = signatures
        self.hourly = hourly
    }
}

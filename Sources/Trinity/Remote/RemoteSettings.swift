import Foundation

/// AGENCY_MODE=hybrid: where the Architect goes when its local model cannot serve, and
/// what it may spend. The seed's fallback ("use GPT-5 API for Architect only … cap API
/// usage at $X/night"), made a hard cap: prices are per million tokens, as providers
/// publish them, and the cap is checked before every call against its worst case.
public struct RemoteSettings: Sendable, Equatable {
    /// ARCHITECT_API_BASE: the API's base URL, `/chat/completions` is appended
    /// (https://api.openai.com/v1).
    public var base: String
    /// ARCHITECT_API_MODEL.
    public var model: String
    /// ARCHITECT_API_KEY_FILE, else systemd's credential `architect_api_key`
    /// ($CREDENTIALS_DIRECTORY, from `LoadCredential=`).
    public var key: APIKeySource
    /// API_BUDGET_USD_PER_NIGHT: what one night's calls may cost together, at most.
    public var budgetUSDPerNight: Double
    /// ARCHITECT_API_INPUT_USD_PER_MTOK, ARCHITECT_API_OUTPUT_USD_PER_MTOK.
    public var inputUSDPerMillion: Double
    public var outputUSDPerMillion: Double
    /// ARCHITECT_API_MAX_TOKENS: the answer's limit, sent as `max_completion_tokens` and
    /// priced in every reservation (an API that ignores it is caught when it answers with
    /// its usage, and asked nothing more that night).
    public var maxTokens: Int

    public init(base: String, model: String, key: APIKeySource, budgetUSDPerNight: Double,
                inputUSDPerMillion: Double, outputUSDPerMillion: Double, maxTokens: Int = 1024) {
        self.base = base
        self.model = model
        self.key = key
        self.budgetUSDPerNight = budgetUSDPerNight
        self.inputUSDPerMillion = inputUSDPerMillion
        self.outputUSDPerMillion = outputUSDPerMillion
        self.maxTokens = maxTokens
    }

    /// What `prompt` and `completion` tokens cost at these prices.
    public func cost(prompt: Int, completion: Int) -> Double {
        (Double(prompt) * inputUSDPerMillion + Double(completion) * outputUSDPerMillion) / 1_000_000
    }

    /// The host the API is on (for the unit's IPAddressAllow= and the reports).
    public var host: String { URL(string: base)?.host ?? base }

    /// `url` as an API base, or why it cannot be one. https, or plain http to a loopback
    /// or private (RFC 1918, fc00::/7) address only: the key travels in a header, and
    /// never in clear text across the Internet.
    public static func checkBase(_ url: String) -> String? {
        guard let u = URL(string: url), let scheme = u.scheme?.lowercased(), let host = u.host, !host.isEmpty else {
            return "an http(s) URL such as https://api.openai.com/v1"
        }
        guard u.query == nil, u.fragment == nil, u.user == nil else { return "a URL without query, fragment or user" }
        switch scheme {
        case "https": return nil
        case "http" where Endpoint.isLoopback(host) || isPrivate(host): return nil
        case "http": return "https (plain http only to a loopback or private address: the key must not cross the Internet in clear)"
        default: return "an http(s) URL such as https://api.openai.com/v1"
        }
    }

    static func isPrivate(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h.hasPrefix("fc") || h.hasPrefix("fd") { return h.contains(":") }
        let p = h.split(separator: ".").compactMap { UInt8($0) }
        guard p.count == 4, h.split(separator: ".").count == 4 else { return false }
        return p[0] == 10 || (p[0] == 172 && (16...31).contains(p[1])) || (p[0] == 192 && p[1] == 168)
    }

    /// `base` + `/chat/completions` (or another path), one slash between.
    public func url(_ path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }
}

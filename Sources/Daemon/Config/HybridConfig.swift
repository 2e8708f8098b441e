import FeedbackLoop
import Foundation
import Trinity

/// AGENCY_MODE=hybrid, the seed's fallback: only the Architect may go to a remote
/// OpenAI-compatible API, under a hard cap per night. Its keys are read in every mode
/// (a typo is refused in local_only too) and required only in hybrid.
extension DaemonConfig {
    static func readHybrid(_ r: inout Reader, into c: inout DaemonConfig) throws(ConfigError) {
        if let u = try r.apiBase("ARCHITECT_API_BASE") { c.architectAPIBase = u }
        if let m = try r.model("ARCHITECT_API_MODEL") { c.architectAPIModel = m }
        if let p = try r.path("ARCHITECT_API_KEY_FILE") { c.architectAPIKeyFile = p }
        if let n = try r.int("ARCHITECT_API_MAX_TOKENS", 64...32_768) { c.architectAPIMaxTokens = n }
        if let x = try r.number("API_BUDGET_USD_PER_NIGHT", 0...100_000) { c.apiBudgetUSDPerNight = x }
        if let x = try r.number("ARCHITECT_API_INPUT_USD_PER_MTOK", 0...100_000) { c.architectAPIInputUSDPerMTok = x }
        if let x = try r.number("ARCHITECT_API_OUTPUT_USD_PER_MTOK", 0...100_000) { c.architectAPIOutputUSDPerMTok = x }
    }

    /// The remote Architect's settings: nil unless AGENCY_MODE=hybrid (checked whole by
    /// `checkHybrid` before this is ever read).
    public var remote: RemoteSettings? {
        guard agencyMode == .hybrid, let base = architectAPIBase, let model = architectAPIModel,
              let key = keySource, let budget = apiBudgetUSDPerNight,
              let input = architectAPIInputUSDPerMTok, let output = architectAPIOutputUSDPerMTok else { return nil }
        return RemoteSettings(base: base, model: model, key: key, budgetUSDPerNight: budget,
                              inputUSDPerMillion: input, outputUSDPerMillion: output, maxTokens: architectAPIMaxTokens)
    }

    /// ARCHITECT_API_KEY_FILE, else the systemd credential.
    var keySource: APIKeySource? {
        if let f = architectAPIKeyFile { return .file(f) }
        return credentialsDirectory.map { .credential(directory: $0) }
    }

    /// In hybrid every key the cap needs is required: a cap without prices, or prices
    /// of nothing, would be no cap.
    func checkHybrid(raw: [String: String]) throws(ConfigError) {
        guard agencyMode == .hybrid else { return }
        // The seed's switches mean what hybrid means: accepted with it, set or unset, but a
        // `false` beside AGENCY_MODE=hybrid says two things at once.
        for (key, on) in [("ENABLE_GPT5_ESCALATION", enableGPT5Escalation), ("USE_OPENAI_FALLBACK", useOpenAIFallback)]
        where raw[key] != nil && !on {
            throw ConfigError(key: key, value: raw[key] ?? "", allowed: "true or unset while AGENCY_MODE=hybrid (both mean the remote Architect)")
        }
        func required(_ key: String, _ value: Any?, _ allowed: String) throws(ConfigError) {
            if value == nil { throw ConfigError(key: key, value: "", allowed: "\(allowed) (required while AGENCY_MODE=hybrid)") }
        }
        try required("ARCHITECT_API_BASE", architectAPIBase, "an OpenAI-compatible API's base URL, such as https://api.openai.com/v1")
        try required("ARCHITECT_API_MODEL", architectAPIModel, "the remote Architect's model, such as gpt-5")
        try required("ARCHITECT_API_KEY_FILE", keySource,
                     "the file holding the API key, or systemd's LoadCredential=\(APIKeySource.credentialName):… (see hybrid.conf)")
        for (key, value) in [("API_BUDGET_USD_PER_NIGHT", apiBudgetUSDPerNight),
                             ("ARCHITECT_API_INPUT_USD_PER_MTOK", architectAPIInputUSDPerMTok),
                             ("ARCHITECT_API_OUTPUT_USD_PER_MTOK", architectAPIOutputUSDPerMTok)] {
            guard let value, value > 0 else {
                throw ConfigError(key: key, value: raw[key] ?? "", allowed: "a number of US dollars above 0 (required while AGENCY_MODE=hybrid)")
            }
        }
    }
}

extension Reader {
    /// An OpenAI-compatible API's base URL (`RemoteSettings.checkBase`).
    mutating func apiBase(_ key: String) throws(ConfigError) -> String? {
        guard let v = try raw(key) else { return nil }
        if let problem = RemoteSettings.checkBase(v) { throw ConfigError(key: key, value: v, allowed: problem) }
        return v
    }
}

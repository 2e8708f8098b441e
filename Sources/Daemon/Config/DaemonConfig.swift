import FeedbackLoop
import Foundation
import Logging
import Trinity

/// The daemon's configuration: the seed's `.env` keys and this project's own, read
/// from the environment (systemd's `EnvironmentFile=`) and, for a reload, from the file
/// itself. Every key is validated before anything starts: a bad value is refused with
/// the key, the value and what is allowed; an unknown key is a warning.
public struct DaemonConfig: Sendable, Equatable {
    public enum AgencyMode: String, Sendable { case localOnly = "local_only", hybrid }

    public var agencyMode = AgencyMode.localOnly
    public var ollamaHost = "http://127.0.0.1:11434"
    public var plannerModel = "codestral:22b-v0.1-q4_K_M"
    public var coderModel = "qwen2.5-coder:7b-instruct-q4_K_M"
    public var scannerModel = "qwen2.5-coder:1.5b-instruct-q4_K_M"
    public var enableGPT5Escalation = false
    public var useOpenAIFallback = false
    public var enableConsciousness = true
    /// MODEL_STAGES=auto asks the Trinity each cycle (falling back when it cannot
    /// answer); off never calls a model (rules, templates and the hashed embedder).
    public var modelStages = true
    public var autonomousNightRun = false
    /// NIGHT_STARTS_AT: with AUTONOMOUS_NIGHT_RUN, when the night's cycles begin (local
    /// time); MORNING_REPORT_AT ends them.
    public var nightStartsAt = ClockTime(hour: 22, minute: 0)
    public var embeddingProvider = "sentence-transformers"
    public var agencyRoot = FileManager.default.currentDirectoryPath
    public var violationsLog: String?
    /// ROTATED_GLOB: where rotated generations of the log lie, besides NAME.1 and NAME-*
    /// beside it (e.g. /var/log/agency/archive/violations-*.jsonl).
    public var rotatedGlob: String?
    public var cycleInterval = Duration.seconds(3600)
    public var runAtStart = true
    public var stageTimeout = Duration.seconds(600)
    public var windowDays = 7
    public var horizonDays = 7
    public var minOccurrences: Int64 = 3
    public var proposalConfidence = 0.8
    public var minutesPerViolation = 8.0
    public var hourlyRateUSD = 150.0
    public var fixHours = 2.0
    public var logLevel = Logger.Level.info
    public var embeddingModel = "all-minilm:latest"
    public var trinityBudgetGB = 40.0
    public var osReserveGB = 8.0
    public var kvCacheType = "f16"
    /// How the Ollama server is configured, which the KV arithmetic and the governor
    /// must follow (Ollama: envconfig/config.go): OLLAMA_NUM_PARALLEL multiplies every
    /// model's KV cache; a quantized OLLAMA_KV_CACHE_TYPE applies only with
    /// OLLAMA_FLASH_ATTENTION=1; OLLAMA_MAX_LOADED_MODELS (0: Ollama's default, 3 per GPU
    /// or on the CPU) caps the resident models; OLLAMA_LOAD_TIMEOUT bounds a load.
    public var ollamaNumParallel = 1
    public var ollamaFlashAttention = false
    public var ollamaMaxLoadedModels = 0
    public var ollamaLoadTimeout = Duration.seconds(300)
    /// KEEP_BETWEEN_CYCLES: the roles whose models stay loaded from one cycle to the
    /// next (small and asked every cycle); every other model is unloaded when a cycle ends.
    public var keepBetweenCycles: [Role] = [.controller, .embedder]
    /// The governor grants no load while PSI "full avg10" is above this (percent).
    public var maxMemoryPressure = 10.0
    /// …or while MemAvailable is less than the OS reserve plus this.
    public var minAvailableGB = 0.0
    /// PLANNER_NUM_CTX, CODER_NUM_CTX, SCANNER_NUM_CTX: context wishes per role.
    public var numCtx: [String: Int] = [:]
    /// MORNING_REPORT_AT: when the night's summary is written, local time.
    public var morningReportAt = ClockTime(hour: 7, minute: 0)
    /// REPORTS_DIR: where cycle and morning reports go (nil: STATE_DIR/reports).
    public var reportsDir: String?
    /// METRICS_FILE: the Prometheus textfile rewritten after each cycle (nil: STATE_DIR/consciousness.prom).
    public var metricsFile: String?
    /// CONTROL_SOCKET: the control API's Unix socket (nil: $RUNTIME_DIRECTORY/consciousness.sock
    /// under systemd, else none).
    public var controlSocket: String?
    /// AGENCY_MODE=hybrid: the remote Architect's API, model, key, prices and nightly cap
    /// (HybridConfig.swift). Read in every mode, used only in hybrid.
    public var architectAPIBase: String?
    public var architectAPIModel: String?
    public var architectAPIKeyFile: String?
    public var architectAPIMaxTokens = 1024
    public var apiBudgetUSDPerNight: Double?
    public var architectAPIInputUSDPerMTok: Double?
    public var architectAPIOutputUSDPerMTok: Double?
    /// $CREDENTIALS_DIRECTORY (systemd's LoadCredential=): where the key is when no file is named.
    public var credentialsDirectory: String?
    /// Keys of the file this build does not know: warned about, never fatal.
    public var unknownKeys: [String] = []

    public init() {}

    /// The embedding model the Learn stage asks: `EMBEDDING_PROVIDER=sentence-transformers`
    /// (the seed's) is Ollama's all-minilm — the same all-MiniLM-L6-v2 — whatever
    /// EMBEDDING_MODEL says otherwise; `ollama` is EMBEDDING_MODEL; `hash` is none (the
    /// local hashed embedder, by choice).
    public var embedder: String? {
        switch embeddingProvider {
        case "hash": nil
        case "sentence-transformers": embeddingModel.hasPrefix("all-minilm") ? embeddingModel : "all-minilm:latest"
        default: embeddingModel
        }
    }

    public var logPath: String {
        violationsLog ?? (agencyRoot as NSString).appendingPathComponent("logs/autonomous_healing/constitutional_violations.jsonl")
    }

    /// Reads `file` (if given) over `environment`: a key in the file wins, so a reload
    /// sees the file's new values although the process environment cannot change.
    public static func load(file: String?, environment: [String: String]) throws -> DaemonConfig {
        var values = environment
        var fileKeys: [String] = []
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ConfigError(key: "CONFIG", value: file, allowed: "a readable file (\(error.localizedDescription))")
            }
            let parsed: EnvFile
            do { parsed = try EnvFile(parsing: text) } catch {
                throw ConfigError(key: "CONFIG", value: file, allowed: "KEY=value lines; \(error.description)")
            }
            for e in parsed.entries {
                values[e.key] = e.value
                fileKeys.append(e.key)
            }
        }
        return try parse(values, fileKeys: fileKeys)
    }

    /// CYCLE_INTERVAL's bounds: at least a second, at most a week.
    public static let cycleIntervalRange = Duration.seconds(1)...Duration.seconds(7 * 86_400)
    /// STAGE_TIMEOUT's bounds: at least a second, at most a day.
    public static let stageTimeoutRange = Duration.seconds(1)...Duration.seconds(86_400)

    /// Every key `parse` reads, in the order it reads them: the reads themselves, run
    /// over no values, so a key added to `parse` is here without anyone listing it.
    public static let keys: [String] = {
        var r = Reader(values: [:])
        _ = try? read(&r)
        return r.order
    }()

    /// The one validation of the configuration, at start and at every reload.
    public static func parse(_ v: [String: String], fileKeys: [String] = []) throws(ConfigError) -> DaemonConfig {
        var r = Reader(values: v)
        var c = try read(&r)
        c.credentialsDirectory = v["CREDENTIALS_DIRECTORY"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        try c.checkLocalOnly(raw: v)
        try c.checkHybrid(raw: v)
        try c.checkEmbedding(raw: v)
        if c.autonomousNightRun, c.nightStartsAt == c.morningReportAt {
            throw ConfigError(key: "NIGHT_STARTS_AT", value: v["NIGHT_STARTS_AT"] ?? c.nightStartsAt.description,
                              allowed: "a time other than MORNING_REPORT_AT (\(c.morningReportAt)) while AUTONOMOUS_NIGHT_RUN=true: the night would be empty")
        }
        if let secret = fileKeys.first(where: secretKeys.contains) {
            throw ConfigError(key: secret, value: "(not shown)", allowed: """
                no API key in the configuration file, which every reader of the unit may see: a file of its own \
                named by ARCHITECT_API_KEY_FILE (mode 0640, group consciousness), or LoadCredential=\(APIKeySource.credentialName):… (see hybrid.conf)
                """)
        }
        let known = r.known
        c.unknownKeys = fileKeys.filter { !known.contains($0) }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        return c
    }

    /// Where users keep API keys by habit; refused in the file, never read.
    static let secretKeys: Set<String> = ["ARCHITECT_API_KEY", "OPENAI_API_KEY"]

    /// Each key's typed, range-checked read, over the defaults.
    private static func read(_ r: inout Reader) throws(ConfigError) -> DaemonConfig {
        var c = DaemonConfig()
        if let m = try r.choice("AGENCY_MODE", AgencyMode.self) { c.agencyMode = m }
        if let h = try r.ollamaHost("OLLAMA_HOST") { c.ollamaHost = h }
        if let m = try r.model("PLANNER_MODEL") { c.plannerModel = m }
        if let m = try r.model("CODER_MODEL") { c.coderModel = m }
        if let m = try r.model("SCANNER_MODEL") { c.scannerModel = m }
        if let b = try r.bool("ENABLE_GPT5_ESCALATION") { c.enableGPT5Escalation = b }
        if let b = try r.bool("USE_OPENAI_FALLBACK") { c.useOpenAIFallback = b }
        if let b = try r.bool("ENABLE_CONSCIOUSNESS") { c.enableConsciousness = b }
        if let m = try r.oneOf("MODEL_STAGES", ["auto", "off"]) { c.modelStages = m == "auto" }
        if let b = try r.bool("AUTONOMOUS_NIGHT_RUN") { c.autonomousNightRun = b }
        if let p = try r.oneOf("EMBEDDING_PROVIDER", ["sentence-transformers", "ollama", "hash"]) { c.embeddingProvider = p }
        if let p = try r.path("AGENCY_ROOT") { c.agencyRoot = p }
        if let p = try r.path("VIOLATIONS_LOG") { c.violationsLog = p }
        if let p = try r.path("ROTATED_GLOB") { c.rotatedGlob = p }
        if let d = try r.duration("CYCLE_INTERVAL", cycleIntervalRange) { c.cycleInterval = d }
        if let d = try r.duration("STAGE_TIMEOUT", stageTimeoutRange) { c.stageTimeout = d }
        if let b = try r.bool("RUN_AT_START") { c.runAtStart = b }
        if let n = try r.int("WINDOW_DAYS", 1...3650) { c.windowDays = n }
        if let n = try r.int("HORIZON_DAYS", 1...90) { c.horizonDays = n }
        if let n = try r.int("MIN_OCCURRENCES", 1...1_000_000) { c.minOccurrences = Int64(n) }
        if let x = try r.number("PROPOSAL_CONFIDENCE", 0...1) { c.proposalConfidence = x }
        if let x = try r.number("MINUTES_PER_VIOLATION", 0...10_000) { c.minutesPerViolation = x }
        if let x = try r.number("HOURLY_RATE_USD", 0...1_000_000) { c.hourlyRateUSD = x }
        if let x = try r.number("FIX_HOURS", 0...10_000) { c.fixHours = x }
        if let l = try r.oneOf("LOG_LEVEL", Logger.Level.allCases.map(\.rawValue)) { c.logLevel = Logger.Level(rawValue: l)! }
        if let x = try r.number("TRINITY_BUDGET_GB", 1...4096) { c.trinityBudgetGB = x }
        if let x = try r.number("OS_RESERVE_GB", 0...4096) { c.osReserveGB = x }
        if let t = try r.oneOf("OLLAMA_KV_CACHE_TYPE", ["f16", "q8_0", "q4_0"]) { c.kvCacheType = t }
        if let n = try r.int("OLLAMA_NUM_PARALLEL", 1...256) { c.ollamaNumParallel = n }
        if let b = try r.bool("OLLAMA_FLASH_ATTENTION") { c.ollamaFlashAttention = b }
        if let n = try r.int("OLLAMA_MAX_LOADED_MODELS", 0...64) { c.ollamaMaxLoadedModels = n }
        if let d = try r.duration("OLLAMA_LOAD_TIMEOUT", stageTimeoutRange) { c.ollamaLoadTimeout = d }
        if let roles = try r.roles("KEEP_BETWEEN_CYCLES") { c.keepBetweenCycles = roles }
        if let x = try r.number("MAX_MEMORY_PRESSURE", 0...100) { c.maxMemoryPressure = x }
        if let x = try r.number("MIN_AVAILABLE_GB", 0...4096) { c.minAvailableGB = x }
        for k in ["PLANNER_NUM_CTX", "CODER_NUM_CTX", "SCANNER_NUM_CTX"] {
            if let n = try r.int(k, 256...1_048_576) { c.numCtx[k] = n }
        }
        if let m = try r.model("EMBEDDING_MODEL") { c.embeddingModel = m }
        if let t = try r.clockTime("MORNING_REPORT_AT") { c.morningReportAt = t }
        if let t = try r.clockTime("NIGHT_STARTS_AT") { c.nightStartsAt = t }
        if let p = try r.path("REPORTS_DIR") { c.reportsDir = p }
        if let p = try r.promFile("METRICS_FILE") { c.metricsFile = p }
        if let p = try r.path("CONTROL_SOCKET") { c.controlSocket = p }
        try readHybrid(&r, into: &c)
        return c
    }

    /// The seed's sentence-transformers is all-MiniLM-L6-v2 (Ollama's all-minilm): an
    /// EMBEDDING_MODEL naming another model beside it would be silently overridden, so
    /// the pair is refused, naming the key that says otherwise.
    func checkEmbedding(raw: [String: String]) throws(ConfigError) {
        guard embeddingProvider == "sentence-transformers", let given = raw["EMBEDDING_MODEL"],
              !embeddingModel.hasPrefix("all-minilm") else { return }
        throw ConfigError(key: "EMBEDDING_MODEL", value: given,
                          allowed: "all-minilm (all-MiniLM-L6-v2) while EMBEDDING_PROVIDER=sentence-transformers; "
                              + "set EMBEDDING_PROVIDER=ollama to use another embedding model")
    }

    /// AUTONOMOUS_NIGHT_RUN's hours, nil when cycles run around the clock.
    public func nightWindow(zone: TimeZone) -> NightWindow? {
        autonomousNightRun ? NightWindow(start: nightStartsAt, end: morningReportAt, zone: zone) : nil
    }

    /// local_only means nothing leaves the machine: the model endpoint must be loopback
    /// and the remote fallbacks off. Ollama is loopback in hybrid too: only the
    /// Architect may go remote, and only through ARCHITECT_API_BASE.
    func checkLocalOnly(raw: [String: String]) throws(ConfigError) {
        guard let host = URL(string: ollamaHost)?.host, Endpoint.isLoopback(host) else {
            throw ConfigError(key: "OLLAMA_HOST", value: raw["OLLAMA_HOST"] ?? ollamaHost,
                              allowed: "a loopback address (127.0.0.0/8, ::1, localhost): Builder, Controller and the embedder are local in every AGENCY_MODE")
        }
        guard agencyMode == .localOnly else { return }
        if enableGPT5Escalation {
            throw ConfigError(key: "ENABLE_GPT5_ESCALATION", value: raw["ENABLE_GPT5_ESCALATION"] ?? "true",
                              allowed: "false while AGENCY_MODE=local_only (AGENCY_MODE=hybrid sends the Architect, alone, to a remote API)")
        }
        if useOpenAIFallback {
            throw ConfigError(key: "USE_OPENAI_FALLBACK", value: raw["USE_OPENAI_FALLBACK"] ?? "true",
                              allowed: "false while AGENCY_MODE=local_only (AGENCY_MODE=hybrid sends the Architect, alone, to a remote API)")
        }
    }
}

import Daemon
import FeedbackLoop
import Foundation
import Trinity
import Workers

/// AGENCY_MODE=hybrid's checks: the key can be read, the API answers it, and the cap
/// leaves room for a call. Nothing is spent: the API is asked for its model list.
enum HybridChecks {
    static func run(_ d: DoctorConfig) async -> [DoctorCheck] {
        guard d.config.agencyMode == .hybrid else { return [] }
        guard let r = d.config.remote else {
            return [.failure("remote Architect", "AGENCY_MODE=hybrid without a whole API configuration (see the configuration check)",
                             fix: "set ARCHITECT_API_BASE, ARCHITECT_API_MODEL, ARCHITECT_API_KEY_FILE, API_BUDGET_USD_PER_NIGHT and the prices \(d.whereToEdit)")]
        }
        let key = keyCheck(r, d)
        return [key, key.ok ? await endpointCheck(r) : .failure("remote API", "not asked: no key to ask with", fix: "mend the key first"),
                capCheck(r, d)]
    }

    /// Readable, one line, and not readable by every user.
    static func keyCheck(_ r: RemoteSettings, _ d: DoctorConfig) -> DoctorCheck {
        do { _ = try r.key.read() } catch {
            if FileManager.default.fileExists(atPath: r.key.path), !FileManager.default.isReadableFile(atPath: r.key.path) {
                return .failure("API key", "\(r.key) exists but cannot be read by \(ProcessInfo.processInfo.userName)",
                                fix: "check it as the service sees it: consciousness doctor --as-service")
            }
            return .failure("API key", "\(error)",
                            fix: "put the key in \(r.key.path), readable by the service only (root 0600 with LoadCredential=, see hybrid.conf; or root:consciousness 0640)")
        }
        if case .file(let path) = r.key, let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
           mode & 0o004 != 0 {
            return .failure("API key", "\(path) is readable by every user (mode \(String(mode, radix: 8)))", fix: "chmod o-r \(path)")
        }
        return .pass("API key", "\(r.key) is readable (its text is never printed or logged)")
    }

    static func endpointCheck(_ r: RemoteSettings) async -> DoctorCheck {
        do {
            let models = try await RemoteClient(settings: r).listModels(within: .seconds(10))
            let listed = models.contains(r.model) ? "lists \(r.model)" : "does not list \(r.model) among its \(models.count) models (it may still serve it)"
            return .pass("remote API", "\(r.url("/models")) answers the key and \(listed)")
        } catch {
            let fix = switch error {
            case .refused: "check the key in \(r.key.path), and that it may use \(r.model)"
            case .unreachable, .timeout: "check ARCHITECT_API_BASE, and that the unit's hybrid.conf allows \(r.host)'s addresses (IPAddressAllow=)"
            default: "check ARCHITECT_API_BASE: it must be an OpenAI-compatible API (…/v1)"
            }
            return .failure("remote API", "\(r.url("/models")): \(error)", fix: fix)
        }
    }

    /// The largest request the Architect's prompt can make (its limits: 20 facts of 300
    /// characters, 30 proposals), priced at its worst case against the cap. The limits
    /// count characters and the bound counts bytes: the filler is a 4-byte letter (U+1D465),
    /// one past each limit (a cut field gains its "…"), and the ids are the longest there are.
    static func capCheck(_ r: RemoteSettings, _ d: DoctorConfig) -> DoctorCheck {
        let filler = String(repeating: "\u{1D465}", count: 301)
        let items = (1...30).map { NightPlan.Item(id: Int64.max - Int64($0), agent: String(filler.prefix(49)), confidence: 1, about: filler) }
        let worst = WorstCase(RemoteArchitect.request(pending: items, facts: Array(repeating: filler, count: 20), settings: r), settings: r)
        let perCall = "the largest night plan reserves $\(Format.fixed(worst.usd, 4)) (\(worst.promptTokens) + \(worst.completionTokens) tokens "
            + "at $\(Format.fixed(r.inputUSDPerMillion, 2)) / $\(Format.fixed(r.outputUSDPerMillion, 2)) per million)"
        guard worst.usd <= r.budgetUSDPerNight else {
            return .failure("cost cap", "API_BUDGET_USD_PER_NIGHT=$\(Format.fixed(r.budgetUSDPerNight, 2)) is below one call's worst case: \(perCall)",
                            fix: "raise API_BUDGET_USD_PER_NIGHT or lower ARCHITECT_API_MAX_TOKENS \(d.whereToEdit)")
        }
        return .pass("cost cap", "$\(Format.fixed(r.budgetUSDPerNight, 2)) a night; \(perCall): at least \(Int(r.budgetUSDPerNight / worst.usd)) such call(s) a night")
    }
}

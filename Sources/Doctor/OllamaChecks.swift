import Daemon
import FeedbackLoop
import Foundation
import Trinity

/// The doctor's Ollama checks: it answers, and every model the configuration names is
/// pulled (the fix is the exact `ollama pull`).
enum OllamaChecks {
    /// The checks, and whether Ollama answered.
    static func run(_ d: DoctorConfig) async -> (checks: [DoctorCheck], answered: Bool) {
        let c = d.config
        var timeouts = Timeouts()
        timeouts.connectRetries = 0
        timeouts.firstByte = .seconds(10)
        timeouts.whole = .seconds(10)
        var tags: [OllamaAPI.TagModel]?
        var reach: DoctorCheck
        do {
            let client = OllamaClient(try Endpoint(c.ollamaHost, localOnly: c.agencyMode == .localOnly), timeouts: timeouts)
            do {
                let t = try await client.tags()
                tags = t
                reach = .pass("ollama", "answers at \(c.ollamaHost) (\(t.count) model\(t.count == 1 ? "" : "s") pulled)")
            } catch {
                reach = .failure("ollama", error.description,
                                 fix: "start Ollama so it listens on \(c.ollamaHost) (sudo systemctl start ollama, or ollama serve), "
                                    + "or set OLLAMA_HOST \(d.whereToEdit)")
            }
            await client.shutdown()
        } catch {
            reach = .failure("ollama", error.description, fix: "set OLLAMA_HOST to a loopback URL \(d.whereToEdit)")
        }
        let models = [("PLANNER_MODEL", c.plannerModel), ("CODER_MODEL", c.coderModel), ("SCANNER_MODEL", c.scannerModel)]
        return ([reach] + models.map { pulled($0.0, $0.1, tags) } + [embedding(c, tags)], tags != nil)
    }

    static func pulled(_ check: String, _ model: String, _ tags: [OllamaAPI.TagModel]?) -> DoctorCheck {
        guard let tags else {
            return .failure(check, "\(model): not checked, Ollama does not answer",
                            fix: "start Ollama (see above), then, if `ollama list` lacks it: ollama pull \(model)")
        }
        guard let tag = tags.first(where: { ModelName.same($0.name, model) }) else {
            return .failure(check, "\(model) is not pulled", fix: "ollama pull \(model)")
        }
        return .pass(check, "\(model) is pulled" + (tag.size.map { " (\(Format.bytes($0)))" } ?? ""))
    }

    /// EMBEDDING_PROVIDER=sentence-transformers is served by Ollama's all-minilm
    /// (all-MiniLM-L6-v2, the seed's sentence-transformers model); `hash` needs no model.
    static func embedding(_ c: DaemonConfig, _ tags: [OllamaAPI.TagModel]?) -> DoctorCheck {
        guard let model = c.embedder else { return .pass("embedding model", "EMBEDDING_PROVIDER=hash needs no model") }
        return pulled("embedding model", model, tags)
    }
}

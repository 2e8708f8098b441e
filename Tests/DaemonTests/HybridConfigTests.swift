import FeedbackLoop
import Foundation
import Testing
import Trinity
@testable import Daemon

/// AGENCY_MODE=hybrid: every key the cap needs is required, the seed's switches mean
/// hybrid and nothing else, and Ollama stays on loopback.
@Suite struct HybridConfigTests {
    static let hybrid = [
        "AGENCY_MODE": "hybrid", "ARCHITECT_API_BASE": "https://api.openai.com/v1", "ARCHITECT_API_MODEL": "gpt-5",
        "ARCHITECT_API_KEY_FILE": "/etc/consciousness/architect_api_key", "API_BUDGET_USD_PER_NIGHT": "0.50",
        "ARCHITECT_API_INPUT_USD_PER_MTOK": "1.25", "ARCHITECT_API_OUTPUT_USD_PER_MTOK": "10",
    ]

    @Test func aWholeHybridConfigurationGivesTheRemoteSettings() throws {
        let c = try DaemonConfig.parse(Self.hybrid)
        let r = try #require(c.remote)
        #expect(r.host == "api.openai.com")
        #expect(r.url("/chat/completions") == "https://api.openai.com/v1/chat/completions")
        #expect(r.key == .file("/etc/consciousness/architect_api_key"))
        #expect(r.budgetUSDPerNight == 0.5 && r.maxTokens == 1024)
        // 1M prompt tokens at $1.25 and 1M completion tokens at $10.
        #expect(abs(r.cost(prompt: 1_000_000, completion: 1_000_000) - 11.25) < 1e-9)
        // local_only keeps its remote settings unused, whatever the file says.
        var local = Self.hybrid
        local["AGENCY_MODE"] = "local_only"
        #expect(try DaemonConfig.parse(local).remote == nil)
    }

    @Test(arguments: ["ARCHITECT_API_BASE", "ARCHITECT_API_MODEL", "ARCHITECT_API_KEY_FILE", "API_BUDGET_USD_PER_NIGHT",
                      "ARCHITECT_API_INPUT_USD_PER_MTOK", "ARCHITECT_API_OUTPUT_USD_PER_MTOK"])
    func eachKeyIsRequiredInHybrid(key: String) {
        var v = Self.hybrid
        v[key] = nil
        #expect { try DaemonConfig.parse(v) } throws: { e in
            let e = e as? ConfigError
            return e?.key == key && e?.description.contains("required while AGENCY_MODE=hybrid") == true
        }
    }

    /// A cap of nothing, or prices of nothing, would be no cap.
    @Test(arguments: ["API_BUDGET_USD_PER_NIGHT", "ARCHITECT_API_INPUT_USD_PER_MTOK", "ARCHITECT_API_OUTPUT_USD_PER_MTOK"])
    func aZeroCapOrPriceIsRefused(key: String) {
        var v = Self.hybrid
        v[key] = "0"
        #expect { try DaemonConfig.parse(v) } throws: { ($0 as? ConfigError)?.key == key }
    }

    /// The key from systemd's LoadCredential= when no file is named.
    @Test func theKeyMayBeASystemdCredential() throws {
        var v = Self.hybrid
        v["ARCHITECT_API_KEY_FILE"] = nil
        v["CREDENTIALS_DIRECTORY"] = "/run/credentials/consciousness.service"
        let r = try #require(try DaemonConfig.parse(v).remote)
        #expect(r.key.path == "/run/credentials/consciousness.service/architect_api_key")
        #expect(!r.key.description.isEmpty)
    }

    /// https, or plain http only to a loopback or private address: the key is a header.
    @Test(arguments: [("http://api.example.com/v1", false), ("ftp://api.example.com", false), ("api.openai.com/v1", false),
                      ("https://user@api.example.com/v1", false), ("https://api.example.com/v1?x=1", false),
                      ("https://api.example.com/v1", true), ("http://127.0.0.1:8080/v1", true), ("http://10.213.0.2:11434/v1", true),
                      ("http://192.168.1.9/v1", true), ("http://172.32.0.1/v1", false), ("http://[fd00::2]:80/v1", true)])
    func theAPIBaseIsHTTPSUnlessPrivate(base: String, accepted: Bool) {
        var v = Self.hybrid
        v["ARCHITECT_API_BASE"] = base
        let parsed = Result { try DaemonConfig.parse(v) }
        if accepted {
            #expect((try? parsed.get()) != nil, "\(base)")
        } else {
            #expect(throws: ConfigError.self, "\(base)") { try parsed.get() }
        }
    }

    /// The seed's switches: refused in local_only (as before), accepted with hybrid,
    /// where a `false` would contradict it.
    @Test(arguments: ["ENABLE_GPT5_ESCALATION", "USE_OPENAI_FALLBACK"])
    func theSeedsSwitchesMeanHybrid(key: String) throws {
        #expect { try DaemonConfig.parse([key: "true"]) } throws: {
            ($0 as? ConfigError)?.key == key && "\($0)".contains("AGENCY_MODE=hybrid")
        }
        var v = Self.hybrid
        v[key] = "true"
        #expect(try DaemonConfig.parse(v).remote != nil)
        v[key] = "false"
        #expect { try DaemonConfig.parse(v) } throws: { ($0 as? ConfigError)?.key == key }
    }

    /// The key never lives in the configuration file: a key there is refused by name,
    /// and its value is not repeated in the message.
    @Test(arguments: ["ARCHITECT_API_KEY", "OPENAI_API_KEY"])
    func aKeyInTheFileIsRefused(key: String) throws {
        let dir = NSTemporaryDirectory() + "cc-hybrid-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/consciousness.env"
        try "\(key)=sk-live-abcdef0123456789\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect { try DaemonConfig.load(file: file, environment: Self.hybrid) } throws: {
            ($0 as? ConfigError)?.key == key && "\($0)".contains("ARCHITECT_API_KEY_FILE") && !"\($0)".contains("sk-live")
        }
    }

    /// Only the Architect goes remote: Ollama must be loopback in hybrid too.
    @Test func ollamaStaysOnLoopbackInHybrid() {
        var v = Self.hybrid
        v["OLLAMA_HOST"] = "http://10.0.0.5:11434"
        #expect { try DaemonConfig.parse(v) } throws: { ($0 as? ConfigError)?.key == "OLLAMA_HOST" }
    }
}

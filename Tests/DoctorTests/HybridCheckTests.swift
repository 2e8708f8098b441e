@testable import Doctor
import Foundation
import OllamaSimulator
import Testing

/// `doctor` in AGENCY_MODE=hybrid: the key, the API (asked for its models, which costs
/// nothing) and the cap, each passing or failing with its fix.
@Suite struct HybridCheckTests {
    let r = try! Recorded()
    static let key = "sk-doctor-0123456789"

    func environment(base: String, keyFile: String, budget: String = "0.50") -> [String: String] {
        ["AGENCY_MODE": "hybrid", "ARCHITECT_API_BASE": base, "ARCHITECT_API_MODEL": ModelCatalog.codestral.name,
         "ARCHITECT_API_KEY_FILE": keyFile, "API_BUDGET_USD_PER_NIGHT": budget,
         "ARCHITECT_API_INPUT_USD_PER_MTOK": "1.25", "ARCHITECT_API_OUTPUT_USD_PER_MTOK": "10"]
    }

    func checks(_ env: [String: String]) async -> [String: DoctorCheck] {
        Dictionary(uniqueKeysWithValues: await HybridChecks.run(DoctorConfig.load(file: nil, environment: env)).map { ($0.check, $0) })
    }

    @Test func aGoodHybridSetUpPassesAndAWrongOneSaysWhatToMend() async throws {
        var c = SimulatorConfiguration()
        c.apiKey = Self.key
        c.meminfoPath = r.dir + "/meminfo"
        let api = OllamaSimulator(configuration: c)
        try await api.start()
        let base = await api.baseURL + "/v1"
        let keyFile = try r.file("key", Self.key + "\n")
        chmod(keyFile, 0o600)
        let good = await checks(environment(base: base, keyFile: keyFile))
        #expect(good["API key"]?.ok == true && good["remote API"]?.ok == true && good["cost cap"]?.ok == true, "\(good)")
        #expect(good["remote API"]?.detail.contains("lists \(ModelCatalog.codestral.name)") == true)
        #expect(good["cost cap"]?.detail.contains("such call(s) a night") == true)
        #expect(!good.values.contains { $0.detail.contains(Self.key) }, "the key is never printed")

        // Readable by every user: refused with the chmod that mends it.
        chmod(keyFile, 0o644)
        #expect(await checks(environment(base: base, keyFile: keyFile))["API key"]?.fix == "chmod o-r \(keyFile)")
        chmod(keyFile, 0o600)
        // A key the API refuses.
        let wrong = try r.file("wrong", "sk-wrong\n")
        chmod(wrong, 0o600)
        let refused = await checks(environment(base: base, keyFile: wrong))["remote API"]
        #expect(refused?.ok == false && refused?.detail.contains("401") == true, "\(String(describing: refused))")
        // A cap below one call's worst case.
        let poor = await checks(environment(base: base, keyFile: keyFile, budget: "0.001"))["cost cap"]
        #expect(poor?.ok == false && poor?.fix?.contains("raise API_BUDGET_USD_PER_NIGHT") == true)
        try await api.stop()
        // Nothing answers: the fix names the unit's IP filter.
        let gone = await checks(environment(base: base, keyFile: keyFile))["remote API"]
        #expect(gone?.ok == false && gone?.fix?.contains("IPAddressAllow=") == true, "\(String(describing: gone))")
        // local_only has no hybrid checks.
        #expect(await checks([:]).isEmpty)
    }
}

import Foundation
import Testing
@testable import Trinity

@Suite struct KVArithmeticTests {
    /// By hand, f16 (2 bytes an element):
    /// codestral 22B: 56 layers × (128 + 128) × 8 KV heads × 2 = 229,376 B/token;
    /// qwen2.5-coder 7B: 28 × (3584/28 = 128, ×2 = 256) × 4 × 2 = 57,344;
    /// qwen2.5-coder 1.5B: 28 × (1536/12 = 128 → 256) × 2 × 2 = 28,672.
    @Test func theTrinityPerToken() throws {
        let expected: [String: Double] = [
            "codestral:22b-v0.1-q4_K_M": 229_376, "qwen2.5-coder:7b-instruct-q4_K_M": 57_344,
            "qwen2.5-coder:1.5b-instruct-q4_K_M": 28_672,
        ]
        for (model, bytes) in expected {
            let a = try KVCache.architecture(KnownModels.table[model]!.info)
            #expect(KVCache.bytesPerToken(a) == bytes, "\(model)")
            #expect(a.contextLength == 32768)
        }
        let a = try KVCache.architecture(KnownModels.table["codestral:22b-v0.1-q4_K_M"]!.info)
        #expect(KVCache.bytesPerToken(a, .q8_0) == 229_376 / 2 * 34 / 32)
        #expect(KVCache.bytesPerToken(a, .q4_0) == 229_376 / 2 * 18 / 32)
    }

    @Test func missingKeysAreNamedAndPlannedConservatively() {
        #expect(throws: KVCache.Failure.missing("llama.block_count")) {
            try KVCache.architecture(["general.architecture": .string("llama")])
        }
        let p = KnownModels.profile(role: .builder, model: "odd", weightsBytes: 4_000_000_000,
                                    info: ["general.architecture": .string("odd")], cacheType: .f16)
        #expect(p.kvBytesPerToken == nil)
        #expect(!p.warnings.isEmpty)
        let plan = MemoryPlan.make([p], budget: Budget(), snapshot: MemorySnapshot(memTotal: 48_000_000_000, memAvailable: 40_000_000_000))
        #expect(plan.roles[0].grantedContext == Budget().minContext)
        #expect(plan.warnings.contains { $0.contains("odd") })
    }
}

@Suite struct PlanTests {
    func profiles() -> [ModelProfile] {
        [(Role.architect, "codestral:22b-v0.1-q4_K_M"), (.builder, "qwen2.5-coder:7b-instruct-q4_K_M"),
         (.controller, "qwen2.5-coder:1.5b-instruct-q4_K_M")].map { role, model in
            let e = KnownModels.table[model]!
            return KnownModels.profile(role: role, model: model, weightsBytes: e.weightsBytes, info: e.info, cacheType: .f16)
        }
    }

    @Test func theSeedMachineFitsAllThreeAtTheirTrainedContext() {
        let plan = MemoryPlan.make(profiles(), budget: Budget(),
                                   snapshot: MemorySnapshot(memTotal: 48_000_000_000, memAvailable: 44_000_000_000))
        #expect(plan.fits && !plan.timeShared)
        #expect(plan.roles.allSatisfy { $0.grantedContext == 32768 && $0.limitedBy == "the trained context length" })
        // 19.1 GB weights (the 1.5B's file is 986 MB) + 5% + KV (7.52 + 1.88 + 0.94 GB) ≈ 30.4 GB ≤ 40 GB.
        #expect(abs(Double(plan.totalBytes) / 1e9 - 30.38) < 0.05)
    }

    @Test func aSmallBudgetShrinksTheBiggestContextFirst() {
        var b = Budget()
        b.trinityBytes = 25_000_000_000
        let plan = MemoryPlan.make(profiles(), budget: b, snapshot: MemorySnapshot(memTotal: 48_000_000_000, memAvailable: 44_000_000_000))
        // KV budget 25 − 20.04 = 4.96 GB in equal shares: the 1.5B needs only 0.94 GB for its
        // full 32k and the 7B 1.88 GB for its; they give the rest back, and the 22B takes
        // 2.14 GB: about 9,300 tokens at 229,376 bytes a token.
        #expect(plan.role(.controller)?.grantedContext == 32768)
        let coder = plan.role(.builder)!.grantedContext, a = plan.role(.architect)!.grantedContext
        #expect(coder == 32768)
        #expect((8960...9472).contains(a) && a % 256 == 0, "architect \(a)")
        #expect(plan.totalBytes <= b.trinityBytes)
    }

    @Test func aTwentyFourGigabyteMachineTimeShares() {
        let plan = MemoryPlan.make(profiles(), budget: Budget(),
                                   snapshot: MemorySnapshot(memTotal: 24_000_000_000, memAvailable: 20_000_000_000))
        #expect(plan.timeShared)
        #expect(plan.effectiveBudget == 16_000_000_000)
        #expect(plan.fits)
        #expect(plan.role(.architect)!.grantedContext < 32768)
        #expect(plan.roles.allSatisfy { $0.totalBytes <= plan.effectiveBudget })
    }

    @Test func wishesAreHonouredDownwardOnly() {
        var b = Budget()
        b.wantedContext = [.builder: 8192, .controller: 1_000_000]
        let plan = MemoryPlan.make(profiles(), budget: b, snapshot: MemorySnapshot(memTotal: 48_000_000_000, memAvailable: 44_000_000_000))
        #expect(plan.role(.builder)?.grantedContext == 8192)
        #expect(plan.role(.controller)?.grantedContext == 32768)
    }
}

@Suite struct MemoryReadingTests {
    func root(_ files: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "cc-proc-" + UUID().uuidString
        for (path, text) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func recordedProcFilesParse() throws {
        let r = try root([
            "proc/meminfo": "MemTotal:       49152000 kB\nMemFree:  1000 kB\nMemAvailable:   40960000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n",
            "proc/pressure/memory": "some avg10=1.50 avg60=0.80 avg300=0.10 total=12345\nfull avg10=0.25 avg60=0.00 avg300=0.00 total=99\n",
            "sys/fs/cgroup/system.slice/ollama.service/memory.current": "123456789\n",
            "sys/fs/cgroup/system.slice/ollama.service/memory.max": "max\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: r) }
        let s = MemorySource(root: r).read()
        #expect(s.memTotal == Optional(Int64(49_152_000) * 1024))
        #expect(s.memAvailable == Optional(Int64(40_960_000) * 1024))
        #expect(s.pressureSomeAvg10 == 1.5 && s.pressureFullAvg10 == 0.25)
        #expect(s.cgroupCurrent == 123_456_789 && s.cgroupMax == nil)
        #expect(s.warnings.isEmpty)
    }

    @Test func garbledFilesGiveWarningsAndAConservativePlan() throws {
        let r = try root(["proc/meminfo": "MemTotal: lots\nMemAvailable:\nnonsense line\n", "proc/pressure/memory": "full avg10=NaN\n"])
        defer { try? FileManager.default.removeItem(atPath: r) }
        let s = MemorySource(root: r).read()
        #expect(s.memTotal == nil && s.memAvailable == nil && s.pressureFullAvg10 == nil)
        #expect(s.warnings.count >= 2)
        let plan = MemoryPlan.make(PlanTests().profiles(), budget: Budget(), snapshot: s)
        #expect(!plan.fits)
        let missing = MemorySource(root: "/nonexistent-root").read()
        #expect(missing.memTotal == nil && !missing.warnings.isEmpty)
    }
}

@Suite struct LocalOnlyTests {
    @Test func onlyLoopbackInLocalOnlyMode() throws {
        for ok in ["http://127.0.0.1:11434", "http://localhost:11434", "http://[::1]:11434", "http://127.9.9.9"] {
            #expect(throws: Never.self) { try Endpoint(ok, localOnly: true) }
        }
        for bad in ["http://10.0.0.5:11434", "https://api.openai.com", "http://192.168.1.2", "http://localhost.evil.com"] {
            #expect(throws: OllamaError.self) { try Endpoint(bad, localOnly: true) }
        }
        #expect(try Endpoint("http://10.0.0.5:11434", localOnly: false).isLoopback == false)
    }
}

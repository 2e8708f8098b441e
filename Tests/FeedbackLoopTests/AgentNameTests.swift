import FeedbackLoop
import Testing

/// Agent names come from log data and become file names: whatever a log holds, the
/// name is `[a-z0-9_-]{1,48}`.
@Suite struct AgentNameTests {
    static let hostile = [
        "../../etc/passwd", "/etc/passwd", "planner\u{0}.md", "plаnner" /* Cyrillic а */,
        "ｐｌａｎｎｅｒ" /* fullwidth */, String(repeating: "a", count: 5_000), "..", "", "a/b\\c", "\u{202E}gpj.md",
        "İstanbul", "x\ny", "$(rm -rf ~)",
    ]

    static func isSafe(_ s: String) -> Bool {
        (1...48).contains(s.unicodeScalars.count)
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    @Test(arguments: hostile)
    func sanitizeMapsAnyNameToASafeOne(raw: String) {
        #expect(Self.isSafe(AgentName.sanitize(raw)), "\(raw.debugDescription) → \(AgentName.sanitize(raw).debugDescription)")
    }

    @Test(arguments: hostile)
    func inferMapsAnyFunctionToASafeAgent(raw: String) {
        let agent = AgentName.infer(fromFunction: "create_\(raw)_agent")
        #expect(Self.isSafe(agent), "\(raw.debugDescription) → \(agent.debugDescription)")
    }

    @Test func specificMappings() {
        #expect(AgentName.sanitize("../../etc/passwd") == "______etc_passwd")
        #expect(AgentName.sanitize("plаnner") == "pl_nner")
        #expect(AgentName.sanitize("ｐｌａｎｎｅｒ") == "general")
        #expect(AgentName.sanitize("planner\u{0}") == "planner_")
        #expect(AgentName.sanitize(String(repeating: "a", count: 5_000)).count == 48)
        #expect(AgentName.sanitize("..") == "general")
    }
}

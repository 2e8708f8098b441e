import Foundation
import Testing

/// Agent names end up in a path under AGENCY_ROOT. A stored name that is not
/// `[a-z0-9_-]{1,48}` (a tampered store, a bug upstream) and symlinked directories on
/// the way are refused, and nothing outside `.claude/agents/` (and `.git`) is written.
@Suite struct HostileNameTests {
    let dir = temporaryDirectory()
    var state: String { dir + "/state" }

    static let names = ["../../etc/passwd", "/etc/passwd", "pl\u{430}nner" /* Cyrillic а */,
                        "\u{FF50}\u{FF4C}\u{FF41}\u{FF4E}\u{FF4E}\u{FF45}\u{FF52}" /* fullwidth planner */,
                        String(repeating: "a", count: 49), "", "Planner", "planner.md", "planner\n", "\u{1B}[2Jplanner"]

    func approve(_ id: Int64, _ root: String) async throws -> Binary.Result {
        try await Binary.run(["proposals", "approve", "\(id)", "--state-dir", state, "--agency-root", root], env: Repo.isolation)
    }

    @Test func aHostileStoredAgentNameIsRefusedAndNothingIsWritten() async throws {
        let world = dir + "/world"
        let repo = try await Repo.make(in: world)
        try FileManager.default.createDirectory(atPath: world + "/etc", withIntermediateDirectories: true)
        try "root:x:0:0\n".write(toFile: world + "/etc/passwd", atomically: true, encoding: .utf8)
        // Straight into the store, past AgentName: the approval must not trust it.
        var ids = try await Proposals.store(Self.names.map { Proposals.proposal($0) }, in: state)
        #expect(ids.count == Self.names.count)
        // Bytes the store's API cannot write: a NUL inside the name, invalid UTF-8.
        let raw: [[UInt8]] = [Array("planner\u{0}/../../../etc/passwd".utf8), [0x70, 0x6C, 0xC0, 0xAF, 0x2E, 0x2E]]
        for (i, bytes) in raw.enumerated() {
            let id = try await Proposals.store([Proposals.proposal("raw\(i)")], in: state, cycle: 2)[0]
            try await Proposals.setAgentBytes(bytes, proposal: id, in: state)
            ids.append(id)
        }
        let names = Self.names + raw.map { String(decoding: $0, as: UTF8.self) }
        let before = try await snapshot(world)
        for (id, name) in zip(ids, names) {
            let r = try await approve(id, repo.root)
            #expect(r.status == 65, "\(name.debugDescription): \(r.stderr)")
            #expect(r.stderr.contains("is not [a-z0-9_-]{1,48}"), "\(name.debugDescription): \(r.stderr)")
            // The name is shown escaped: no raw control character reaches the terminal.
            #expect(!r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        }
        await #expect(try snapshot(world) == before)
        await #expect(try repo.git("for-each-ref", "refs/heads/consciousness").isEmpty)
        let list = try await Binary.run(["proposals", "list", "--state-dir", state])
        #expect(list.status == 0)
        #expect(!list.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test(arguments: [".claude", ".claude/agents", ".claude/agents/planner-delta.md"])
    func aSymlinkOnTheWayIsRefused(link: String) async throws {
        let world = dir + "/world"
        let repo = try await Repo.make(in: world)
        let outside = world + "/outside"
        try FileManager.default.createDirectory(atPath: outside + "/agents", withIntermediateDirectories: true)
        try "outside\n".write(toFile: outside + "/agents/planner-delta.md", atomically: true, encoding: .utf8)
        let target = link == ".claude" ? outside : link == ".claude/agents" ? outside + "/agents" : outside + "/agents/planner-delta.md"
        try FileManager.default.removeItem(atPath: repo.root + "/" + link)
        try FileManager.default.createSymbolicLink(atPath: repo.root + "/" + link, withDestinationPath: target)
        try await repo.commit("a symlink")
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let before = try await snapshot(world)
        let r = try await approve(id, repo.root)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("\(repo.root)/\(link) is a symbolic link"), "\(r.stderr)")
        await #expect(try snapshot(world) == before)
        await #expect(try repo.git("for-each-ref", "refs/heads/consciousness").isEmpty)
    }

    /// A symlink in the repository's history though the checkout has a real directory.
    @Test func aSymlinkAtHeadIsRefused() async throws {
        let repo = try await Repo.make(in: dir)
        try FileManager.default.removeItem(atPath: repo.root + "/.claude")
        try FileManager.default.createSymbolicLink(atPath: repo.root + "/.claude", withDestinationPath: "/etc")
        try await repo.commit("symlink .claude")
        try FileManager.default.removeItem(atPath: repo.root + "/.claude")
        try await repo.git("update-index", "--assume-unchanged", ".claude")
        let id = try await Proposals.store([Proposals.proposal("planner")], in: state)[0]
        let r = try await approve(id, repo.root)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains(".claude at HEAD is not a directory (mode 120000)"), "\(r.stderr)")
        await #expect(try repo.git("for-each-ref", "refs/heads/consciousness").isEmpty)
    }
}

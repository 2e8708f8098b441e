import FeedbackLoop
import Foundation
import GRDB
import StateStore
import Testing

/// A proposal for `agent` whose evidence names `patterns`, each seen `frequency` times.
func proposal(_ agent: String, _ patterns: [String], frequency: Int64 = 10) -> Proposal {
    // Evidence has no public initializer: made the way the store reads it back.
    let evidence = patterns.map {
        try! JSONDecoder().decode(Proposal.Evidence.self, from: Data("""
            {"pattern_id": "pattern_\($0)", "function": "\($0)", "frequency": \(frequency), "trend": "STABLE",
             "articles": ["Article II"]}
            """.utf8))
    }
    return Proposal(agent: agent, confidence: 0.9, rationale: "\(frequency) violations", evidence: evidence,
                    markdown: "### learnings\n- \(patterns.joined(separator: ", ")) × \(frequency)\n", author: "template")
}

@Suite struct ProposalDecisionTests {
    let dir = temporaryDirectory()

    @Test func theSchemaHasTheDecisionsMigration() throws {
        let store = try StateStore(directory: dir + "/state")
        #expect(try store.schemaVersion() == 14)
        #expect(try store.proposals().isEmpty)
    }

    /// The window slides every hour, so the counts move while nothing a person reads
    /// changed: that is `unchanged`. A trend that turned is a change.
    @Test func movingCountsAloneDoNotChangeAProposal() throws {
        let store = try StateStore(directory: dir + "/state")
        func same(_ frequency: Int64, trend: String = "STABLE") -> Proposal {
            var p = proposal("planner", ["a"], frequency: frequency)
            p.markdown = "### learnings\n- a\n"
            p.evidence = try! JSONDecoder().decode([Proposal.Evidence].self, from: Data("""
                [{"pattern_id": "pattern_a", "function": "a", "frequency": \(frequency), "trend": "\(trend)", "articles": ["Article II"]}]
                """.utf8))
            return p
        }
        _ = try store.upsertPending([same(10)], cycle: 1, at: 1_000)
        #expect(try store.upsertPending([same(14)], cycle: 2, at: 2_000).map(\.change) == [.unchanged])
        #expect(try store.upsertPending([same(14, trend: "INCREASING")], cycle: 3, at: 3_000).map(\.change) == [.updated])
    }

    /// Same patterns: the one pending proposal is updated in place. Other patterns: it
    /// is superseded, with the successor recorded, and a new one is pending.
    @Test func aProposalForOtherPatternsSupersedesThePendingOne() throws {
        let store = try StateStore(directory: dir + "/state")
        let first = try store.upsertPending([proposal("planner", ["a"])], cycle: 1, at: 1_000)
        #expect(first.map(\.change) == [.new])
        let again = try store.upsertPending([proposal("planner", ["a"], frequency: 20)], cycle: 2, at: 2_000)
        #expect(again.map(\.id) == first.map(\.id))
        #expect(again.map(\.change) == [.updated])
        #expect(try store.proposal(id: first[0].id)?.proposal.evidence.first?.frequency == 20)

        let other = try store.upsertPending([proposal("planner", ["a", "b"])], cycle: 3, at: 3_000)
        #expect(other.map(\.change) == [.new])
        #expect(other[0].id != first[0].id)
        let old = try #require(try store.proposal(id: first[0].id))
        #expect(old.status == .superseded)
        #expect(old.supersededBy == other[0].id)
        let trail = try store.decisions(proposal: first[0].id)
        #expect(trail.count == 1)
        #expect(trail.first?.decision == .superseded)
        #expect(trail.first?.supersededBy == other[0].id)
        #expect(trail.first?.at == 3_000)
        #expect(trail.first?.reason?.contains("pattern_b") == true)
        #expect(try store.pendingProposals().map(\.id) == [other[0].id])
        #expect(try store.proposals(status: .superseded).map(\.id) == [first[0].id])
        #expect(try store.proposals().count == 2)
    }

    @Test func aRejectionIsRecordedOnceWithItsReason() throws {
        let store = try StateStore(directory: dir + "/state")
        let id = try store.upsertPending([proposal("auditor", ["x"])], cycle: 1, at: end)[0].id
        try store.recordRejection(id, user: "alice", at: 5_000, reason: "covered by the new test harness")
        #expect(try store.proposal(id: id)?.status == .rejected)
        let d = try store.decisions(proposal: id)
        #expect(d == [Decision(proposalID: id, decision: .rejected, user: "alice", at: 5_000,
                               reason: "covered by the new test harness", branch: nil, commit: nil, supersededBy: nil)])
        #expect(throws: DecisionError.notPending(id, .rejected)) {
            try store.recordApproval(id, user: "bob", at: 6_000, branch: "b", commit: "c", markdown: "")
        }
        #expect(throws: DecisionError.noSuchProposal(999)) {
            try store.recordRejection(999, user: "bob", at: 6_000, reason: "r")
        }
        #expect(try store.decisions(proposal: id).count == 1)
    }

    @Test func anApprovalKeepsItsBranchAndCommit() throws {
        let store = try StateStore(directory: dir + "/state")
        let stored = try store.upsertPending([proposal("auditor", ["x"])], cycle: 1, at: end)[0]
        let id = stored.id
        // The Markdown committed must still be the proposal's: a cycle's redraft meanwhile is refused.
        #expect(throws: DecisionError.changedMeanwhile(id)) {
            try store.recordApproval(id, user: "alice", at: 6_500, branch: "b", commit: "c", markdown: "older text")
        }
        try store.recordApproval(id, user: "alice", at: 7_000, branch: "consciousness/proposal-\(id)", commit: "abc123",
                                 markdown: stored.proposal.markdown)
        #expect(try store.proposal(id: id)?.status == .approved)
        let d = try #require(try store.decisions(proposal: id).first)
        #expect(d.branch == "consciousness/proposal-\(id)" && d.commit == "abc123" && d.user == "alice")
    }

    /// A person decided on this evidence: the next cycles do not ask again until the
    /// agent's patterns change.
    @Test func decidedEvidenceIsNotProposedAgain() throws {
        let store = try StateStore(directory: dir + "/state")
        let id = try store.upsertPending([proposal("auditor", ["x"])], cycle: 1, at: end)[0].id
        try store.recordRejection(id, user: "alice", at: 5_000, reason: "no")
        #expect(try store.upsertPending([proposal("auditor", ["x"], frequency: 99)], cycle: 2, at: end).isEmpty)
        #expect(try store.pendingProposals().isEmpty)
        let changed = try store.upsertPending([proposal("auditor", ["x", "y"])], cycle: 3, at: end)
        #expect(changed.map(\.change) == [.new])
        #expect(try store.pendingProposals().map(\.id) == changed.map(\.id))
    }

    /// The stored evidence is read back by SQLite's JSON functions: articles in their
    /// order (two articles swapped is a change; the same ones, not), and evidence that
    /// is not what the store writes refused with the reason, not a crash.
    @Test func storedEvidenceIsReadBackExactlyOrRefused() throws {
        let store = try StateStore(directory: dir + "/state")
        func with(_ articles: [String], trend: String = "STABLE") -> Proposal {
            var p = proposal("planner", ["a", "b"])
            let list = articles.map { "\"\($0)\"" }.joined(separator: ",")
            p.evidence = try! JSONDecoder().decode([Proposal.Evidence].self, from: Data("""
                [{"pattern_id": "pattern_a", "function": "a", "frequency": 1, "trend": "\(trend)", "articles": [\(list)]},
                 {"pattern_id": "pattern_b", "function": "b", "frequency": 2, "trend": "STABLE", "articles": []}]
                """.utf8))
            return p
        }
        let id = try store.upsertPending([with(["Article II", "Article V"])], cycle: 1, at: 1_000)[0].id
        #expect(try store.upsertPending([with(["Article II", "Article V"])], cycle: 2, at: 2_000).map(\.change) == [.unchanged])
        #expect(try store.upsertPending([with(["Article V", "Article II"])], cycle: 3, at: 3_000).map(\.change) == [.updated])
        #expect(try store.upsertPending([with(["Article V", "Article II"], trend: "INCREASING")], cycle: 4, at: 4_000)
            .map(\.change) == [.updated])
        for (bad, why) in [("[{\"pattern_id\": \"pattern_a\"", "malformed"), ("{\"pattern_id\": \"pattern_a\"}", "not a JSON array"),
                           ("[{\"pattern_id\": 3, \"trend\": \"STABLE\"}]", "no pattern_id or trend")] {
            try DatabaseQueue(path: store.databasePath).write { db in
                try db.execute(sql: "UPDATE proposals SET evidence_json = ? WHERE id = ?", arguments: [bad, id])
            }
            #expect {
                try store.upsertPending([with(["Article II"])], cycle: 5, at: 5_000)
            } throws: { "\($0)".contains(why) }
        }
        #expect(try store.pendingProposalCount() == 1)
    }
}

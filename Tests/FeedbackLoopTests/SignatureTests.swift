import Testing
@testable import FeedbackLoop

@Suite struct SignatureTests {
    @Test func articlesAreTheNumeralNotThePrefix() {
        // The original took text before the first colon: "Article V violated".
        #expect(ArticleSet.parse("Article V violated: Spec coverage is 0.0%, 14565 files missing spec references.").names == ["Article V"])
        #expect(ArticleSet.parse("Article I: Incomplete context").names == ["Article I"])
        #expect(ArticleSet.parse("Article II violated: No test infrastructure found (run_tests.py or pytest)").names == ["Article II"])
        #expect(ArticleSet.parse("Article III and Article VII both").names == ["Article III", "Article VII"])
        #expect(ArticleSet.parse("Article VIII is not one").isEmpty)
        #expect(ArticleSet.parse("Particle V, Article Vx, article V").isEmpty)
        #expect(ArticleSet.parse("Unexpected error: timeout").isEmpty)
    }

    @Test func numbersVaryButTheSignatureDoesNot() {
        let a = ErrorSignature.normalize("Article V violated: Spec coverage is 0.0%, 14565 files missing spec references.")
        let b = ErrorSignature.normalize("Article V violated: Spec coverage is 2.5%, 14572 files missing spec references.")
        #expect(a == b)
        #expect(a == "Article V violated: Spec coverage is #%, # files missing spec references.")
    }

    @Test func pathsAndIdsAreReplaced() {
        #expect(ErrorSignature.normalize("Article II violated: 3 tests failing in src/agents/x_12.py")
                == "Article II violated: # tests failing in <path>")
        #expect(ErrorSignature.normalize("merge without review of id-9f3a2b11c204 (PR #1,204)")
                == "merge without review of <id> (PR ##)")
        #expect(ErrorSignature.normalize("No test infrastructure found (run_tests.py or pytest)")
                == "No test infrastructure found (run_tests.py or pytest)")
        #expect(ErrorSignature.normalize("event const_20251004_162121_1c87e0c4 failed") == "event <id> failed")
    }
}

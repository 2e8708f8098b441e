import FeedbackLoop
import Foundation
@testable import Approval
import Testing

/// Each way a person lands a branch, in a real repository: the finder names the instant
/// the change reached the main line, to the second.
@Suite struct MergeFinderTests {
    @Test(arguments: LandingRehearsal.Style.allCases)
    func theMergeInstantIsFound(style: LandingRehearsal.Style) throws {
        let approved = Timestamp.parse("2026-11-10T09:00:00Z")!
        let merged = Timestamp.parse("2026-11-13T15:42:07Z")!
        #expect(try LandingRehearsal.land(style, approvedAt: approved, mergedAt: merged) == merged)
    }
}

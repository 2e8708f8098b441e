import Cycle
import FeedbackLoop
import Foundation
import StateStore

/// What the supervisor takes from the world, replaceable in tests as swift-service-
/// lifecycle's tests replace a service with a `MockService`: the wall clock, how it
/// sleeps between slots, the local time zone (the morning report's), and how a cycle
/// runs. The live ones are the system's.
public struct SupervisorSeams: Sendable {
    public var wallClock: @Sendable () -> Microseconds
    public var sleep: @Sendable (Duration) async throws -> Void
    public var zone: TimeZone
    public var runCycle: @Sendable (StateStore, CycleOptions) async throws -> CycleReport

    public init(wallClock: @escaping @Sendable () -> Microseconds,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                zone: TimeZone = .current,
                runCycle: @escaping @Sendable (StateStore, CycleOptions) async throws -> CycleReport = {
                    try await CycleRunner(store: $0).run($1)
                }) {
        self.wallClock = wallClock
        self.sleep = sleep
        self.zone = zone
        self.runCycle = runCycle
    }

    public static let live = SupervisorSeams(wallClock: Composition.systemClock)
}

import Testing
@testable import Daemon

/// READY=1 waits on the gate: a waiter returns only once it is opened, one that comes
/// after returns at once, and opening twice is harmless.
@Suite struct StartupGateTests {
    @Test func aWaiterReturnsOnlyOnceTheGateIsOpen() async {
        let gate = StartupGate()
        let waiting = Task { await gate.wait(); return gate.isOpen }
        // Long enough for the waiter to be parked on the gate (it must still be waiting).
        try? await Task.sleep(for: .milliseconds(50))
        #expect(!gate.isOpen)
        gate.open()
        #expect(await waiting.value)
        await gate.wait()  // after: at once
        gate.open()
        #expect(gate.isOpen)
    }
}

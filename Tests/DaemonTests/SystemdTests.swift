import Foundation
import Testing
@testable import Systemd

@Suite struct SystemdTests {
    @Test func journalFieldNamesAreWhatJournaldAccepts() {
        #expect(JournalLogHandler.fieldName("cycle") == "CYCLE")
        #expect(JournalLogHandler.fieldName("new_lines") == "NEW_LINES")
        #expect(JournalLogHandler.fieldName("duration-ms") == "DURATION_MS")
        #expect(JournalLogHandler.fieldName("_private") == "PRIVATE")
        #expect(JournalLogHandler.fieldName("9lives") == nil)
        #expect(JournalLogHandler.fieldName("message") == "META_MESSAGE")
        #expect(JournalLogHandler.fieldName("ünïcode") == "NCODE")
        #expect(JournalLogHandler.priority(.warning) == 4)
        #expect(JournalLogHandler.priority(.error) == 3)
    }

    @Test func outsideSystemdNotificationsAreNoOps() {
        let n = Notifier(environment: [:])
        #expect(!n.isActive)
        #expect(n.send([("READY", "1")]) == false)
        #expect(Notifier.oneLine("a\nb") == "a b")
    }

    @Test func stderrIsTheJournalOnlyWhenJournalStreamNamesIt() {
        #expect(!LogDestination.stderrIsJournal(environment: [:]))
        #expect(!LogDestination.stderrIsJournal(environment: ["JOURNAL_STREAM": "1:2"]))
        var st = stat()
        fstat(2, &st)
        #expect(LogDestination.stderrIsJournal(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino)"]))
    }

    @Test func libsystemdOpensWithItsThreeFunctionsOrSaysWhyNot() {
        let opened = LibSystemd.open("libsystemd.so.0")
        guard case .success(let systemd) = opened else {
            Issue.record("libsystemd.so.0 did not open: \(opened)")
            return
        }
        // The real function, through the pointer: no WATCHDOG_USEC in a test run, no watchdog.
        var usec: UInt64 = 1
        #expect(getenv("WATCHDOG_USEC") != nil || systemd.watchdogEnabled(0, &usec) == 0)
        guard case .failure(let e) = LibSystemd.open("libsystemd-absent.so.9") else {
            Issue.record("a library that does not exist opened")
            return
        }
        #expect(e.description.hasPrefix("cannot open libsystemd-absent.so.9: "))
    }
}

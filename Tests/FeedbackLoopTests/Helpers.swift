import Foundation
@testable import FeedbackLoop

/// A fresh directory under the system temp dir, removed by the caller's `defer`.
func temporaryDirectory() -> String {
    let dir = NSTemporaryDirectory() + "cc-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func write(_ text: String, to path: String) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
}

func append(_ text: String, to path: String) {
    let h = FileHandle(forWritingAtPath: path)!
    h.seekToEndOfFile()
    h.write(Data(text.utf8))
    h.closeFile()
}

func line(_ ts: String = "2025-10-01T21:38:50.570336+00:00", function: String = "create_mock_agent",
          error: String = "Article I: Incomplete context", severity: String = "BLOCKER") -> String {
    "{\"timestamp\": \"\(ts)\", \"violation_type\": \"ConstitutionalCompliance\", \"function\": \"\(function)\", "
        + "\"error\": \"\(error)\", \"severity\": \"\(severity)\"}\n"
}

func ingest(_ path: String, after c: LogCheckpoint? = nil, parallelism: Int = 1) async throws -> IngestResult {
    try await LogIngest.read(path: path, after: c, parallelism: parallelism)
}

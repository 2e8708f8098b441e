import Testing
@testable import Trinity

/// What of an API's error words may reach the journal and the report.
@Suite struct RemoteErrorTests {
    /// OpenAI's 401 quotes the key masked; the key itself, a Bearer header echoed back,
    /// and other providers' key shapes go too — but a local server's placeholder key
    /// ("ollama") does not blank the ordinary word, and the sentence keeps its full stop.
    @Test(arguments: [
        ("Incorrect API key provided: sk-abc*********wxyz. You can find your API key at x.", "sk-abcdefghijklmwxyz",
         "Incorrect API key provided: [key]. You can find your API key at x."),
        ("echo: sk-abcdefghijklmwxyz", "sk-abcdefghijklmwxyz", "echo: [key]"),
        ("got header Bearer gsk_0123456789abcdef", "gsk_0123456789abcdef", "got header [key]"),
        ("model 'x' not found, try pulling it first with ollama pull", "ollama", "model 'x' not found, try pulling it first with ollama pull"),
    ])
    func keysAreRedacted(text: String, key: String, expected: String) {
        #expect(RemoteError.refused(status: 401, message: text).redacting(key) == .refused(status: 401, message: expected))
    }
}

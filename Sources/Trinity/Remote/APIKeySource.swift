import Foundation

/// Where the API key is read from, at each call (a rotated key is used at once). The
/// key itself is never kept in a value that could be printed or logged: only the
/// file's path is.
public enum APIKeySource: Sendable, Equatable, CustomStringConvertible {
    /// ARCHITECT_API_KEY_FILE.
    case file(String)
    /// systemd's `LoadCredential=architect_api_key:…`: $CREDENTIALS_DIRECTORY/architect_api_key.
    case credential(directory: String)

    public static let credentialName = "architect_api_key"

    public var path: String {
        switch self {
        case .file(let p): p
        case .credential(let d): (d as NSString).appendingPathComponent(Self.credentialName)
        }
    }

    public var description: String {
        switch self {
        case .file(let p): "ARCHITECT_API_KEY_FILE \(p)"
        case .credential: "systemd credential \(Self.credentialName) (\(path))"
        }
    }

    /// The key: the file's first line, trimmed. Errors name the file, never its text.
    public func read() throws(RemoteError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .key("\(self) cannot be read")
        }
        guard data.count <= 16_384 else { throw .key("\(self) is \(data.count) bytes, too long for an API key") }
        let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let key = first.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw .key("\(self) is empty") }
        guard key.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .key("\(self) holds characters an API key cannot have")
        }
        return key
    }
}

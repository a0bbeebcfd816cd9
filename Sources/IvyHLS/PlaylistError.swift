/// A playlist we refuse, with the line that made us refuse it (1-based; 0 for the whole text).
public struct PlaylistError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case missingHeader, notVOD, unsupportedScheme, tooLarge, malformed, unsupportedEncryption, unsupported, empty
    }

    private let code: Code
    public let line: Int
    public let detail: String

    private init(_ code: Code, line: Int, _ detail: String) {
        self.code = code
        self.line = line
        self.detail = detail
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func unsupportedScheme(_ line: Int, _ uri: String) -> Self {
        Self(.unsupportedScheme, line: line, "only http and https URLs are followed (got \(uri.prefix(40)))")
    }
    static func tooLarge(_ line: Int, _ what: String) -> Self { Self(.tooLarge, line: line, what) }
    static func malformed(_ line: Int, _ what: String) -> Self { Self(.malformed, line: line, what) }
    static func unsupportedEncryption(_ line: Int, _ method: String) -> Self {
        Self(.unsupportedEncryption, line: line, "encryption method \(method) is not supported (only AES-128)")
    }
    /// A tag that changes which bytes make up the recording, and that this tool cannot honour.
    static func unsupported(_ line: Int, _ what: String) -> Self { Self(.unsupported, line: line, what) }

    /// Errors without a place, and patterns for tests and `catch` (`line` and `detail` do not
    /// take part in `==`).
    public static let missingHeader = Self(.missingHeader, line: 1, "the first line is not #EXTM3U")
    public static let notVOD = Self(.notVOD, line: 0, "no #EXT-X-ENDLIST: a live playlist, not a recording")
    public static let unsupportedScheme = unsupportedScheme(0, "")
    public static let tooLarge = tooLarge(0, "")
    public static let malformed = malformed(0, "")
    public static let unsupportedEncryption = unsupportedEncryption(0, "")
    public static let unsupported = unsupported(0, "")
    public static let empty = Self(.empty, line: 0, "the playlist has no segments")

    public var description: String { line > 0 ? "playlist line \(line): \(detail)" : "playlist: \(detail)" }
}

/// Why a clip's download stopped. A segment that still fails after its retries fails the clip:
/// no segment is ever skipped silently.
public struct HLSError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable, Sendable { case segmentFailed, segmentMissing, notMedia, keyInvalid, expired, playlistFailed }

    private let code: Code
    public let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func segmentFailed(_ sequence: Int, _ reason: String) -> Self { Self(.segmentFailed, "segment \(sequence) failed: \(reason)") }
    static func segmentMissing(_ sequence: Int) -> Self { Self(.segmentMissing, "segment \(sequence) is missing on the server (404)") }
    static func notMedia(_ sequence: Int, _ reason: String) -> Self { Self(.notMedia, "segment \(sequence) is not media: \(reason)") }
    static func keyInvalid(_ reason: String) -> Self { Self(.keyInvalid, "the AES-128 key could not be used: \(reason)") }
    static func expired(_ reason: String) -> Self { Self(.expired, "the playlist's signed URLs expired: \(reason)") }
    static func playlistFailed(_ reason: String) -> Self { Self(.playlistFailed, "the playlist could not be fetched: \(reason)") }

    public static let segmentFailed = segmentFailed(0, "")
    public static let segmentMissing = segmentMissing(0)
    public static let notMedia = notMedia(0, "")
    public static let keyInvalid = keyInvalid("")
    public static let expired = expired("")
    public static let playlistFailed = playlistFailed("")

    public var description: String { detail }

    /// A segment that stayed unavailable after its retries: with `Policy.keepsPartial` it
    /// becomes a hole instead of failing the clip.
    var isSegmentUnavailable: Bool { code == .segmentFailed || code == .segmentMissing || code == .notMedia }
}

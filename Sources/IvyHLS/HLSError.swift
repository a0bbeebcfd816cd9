/// Why a clip's download stopped. A segment that still fails after its retries fails the clip:
/// no segment is ever skipped silently.
public struct HLSError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable, Sendable { case segmentFailed, segmentMissing, notMedia, keyInvalid, expired, playlistFailed, foreignHost }

    private let code: Code
    public let detail: String
    /// The cause was the network or the server failing (no answer, 5xx) until the tries ran
    /// out: worth another go later, unlike a refusal.
    public let isTransient: Bool

    private init(_ code: Code, _ detail: String, transient: Bool = false) {
        self.code = code
        self.detail = detail
        self.isTransient = transient
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// `what`: the resource, as a sentence names it ("segment 7", "the AES key of segment 7").
    static func segmentFailed(_ what: String, _ reason: String, transient: Bool = false) -> Self {
        Self(.segmentFailed, "\(what) failed: \(reason)", transient: transient)
    }
    static func segmentMissing(_ what: String) -> Self { Self(.segmentMissing, "\(what) is missing on the server (404)") }
    static func notMedia(_ what: String, _ reason: String) -> Self { Self(.notMedia, "\(what) is not media: \(reason)") }
    static func keyInvalid(_ reason: String) -> Self { Self(.keyInvalid, "the AES-128 key could not be used: \(reason)") }
    static func expired(_ reason: String) -> Self { Self(.expired, "the playlist's signed URLs expired: \(reason)") }
    static func playlistFailed(_ reason: String, transient: Bool = false) -> Self {
        Self(.playlistFailed, "the playlist could not be fetched: \(reason)", transient: transient)
    }

    /// A URI of the playlist points at another host than the playlist's, and the
    /// configuration does not allow it: nothing is fetched from there.
    static func foreignHost(_ detail: String) -> Self { Self(.foreignHost, detail) }

    public static let segmentFailed = segmentFailed("", "")
    public static let foreignHost = foreignHost("")
    public static let segmentMissing = segmentMissing("")
    public static let notMedia = notMedia("", "")
    public static let keyInvalid = keyInvalid("")
    public static let expired = expired("")
    public static let playlistFailed = playlistFailed("")

    public var description: String { detail }

    /// A segment that stayed unavailable after its retries: with `Policy.keepsPartial` it
    /// becomes a hole instead of failing the clip.
    var isSegmentUnavailable: Bool { code == .segmentFailed || code == .segmentMissing || code == .notMedia }
}

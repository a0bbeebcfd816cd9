/// The user's tokens after a login (`/oauth`), or as given. Never printed.
public struct Session: Sendable, CustomStringConvertible {
    public var openId: String
    public var accessToken: String
    public var refreshToken: String?
    /// Seconds the access token lives, as the cloud said (2592000 = 30 days observed).
    public var expiresIn: Int64?
    public var userId: Int64?

    public var description: String { "Session(openId: \(openId), accessToken: REDACTED)" }
}

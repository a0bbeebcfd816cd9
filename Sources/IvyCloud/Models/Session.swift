/// The user's tokens after a login, or as given. Never printed.
public struct Session: Sendable, Codable, CustomStringConvertible {
    public var openId: String
    public var accessToken: String
    public var refreshToken: String?
    /// Seconds the access token lives, as the cloud said (2592000 = 30 days observed).
    public var expiresIn: Int64?
    public var userId: Int64?

    public init(openId: String, accessToken: String, refreshToken: String? = nil, expiresIn: Int64? = nil, userId: Int64? = nil) {
        self.openId = openId
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
        self.userId = userId
    }

    public var description: String { "Session(openId: \(openId), accessToken: REDACTED)" }
}

/// Where password login happens. The vendor's form (`POST /oauth`, `service=authorize`,
/// NOTES.md) comes first; deployments that speak the standard OAuth 2.0 token endpoint
/// (`POST /oauth/token`, RFC 6749 §4.3 password grant, §6 refresh) are tried when the vendor
/// form is not there (`009999` or `404`).
public enum LoginStyle: String, Sendable, Codable {
    case vendor
    case oauth2
}

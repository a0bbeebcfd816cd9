public import IvyHTTP

/// Where the cloud is and who we are to it. Defaults are the document's and NOTES.md's.
public struct CloudConfiguration: Sendable {
    /// The base under which `/gateway` and `/oauth` live.
    public var apiURL: String
    public var clientId: String
    public var clientSecret: String
    public var oemCode: String
    public var credentials: CloudCredentials
    public var retry: RetryPolicy
    /// `000066` (system upgrade): how often to ask again, and for how long at most.
    public var upgradePollInterval: Duration
    public var upgradeMaxWait: Duration
    /// Store calls need a `timestamp` later than the server's clock; this is how much later.
    public var sessionTimestampLead: Int64
    /// `version` for `record.query` / `record.play`: required, value undocumented (NOTES.md).
    public var storeVersion: String
    /// The login endpoint, when it is not `<apiURL>/oauth`: a URL ending in `/token` is an
    /// OAuth 2.0 token endpoint (RFC 6749), any other the vendor's form. No fallback then.
    public var loginURL: String?
    /// Where the session outlives the run; `nil`: it lives in memory only.
    public var sessionStore: (any SessionStore)?

    /// The longest one API exchange may take: its answers are a few KB, so a server that
    /// accepts and then says nothing is given up on (and retried) after this, not after the
    /// transport's stall detection of large downloads.
    public var callTimeout: Duration = .seconds(30)

    public static let defaultAPIURL = "https://api.myfoscam.com"
    /// The document's published application identity (§2.2.2).
    public static let defaultClientId = "oemkey"
    public static let defaultClientSecret = "397ff5985bb7437198a9ef51b4815caf"

    public init(
        apiURL: String = CloudConfiguration.defaultAPIURL,
        clientId: String = CloudConfiguration.defaultClientId,
        clientSecret: String = CloudConfiguration.defaultClientSecret,
        oemCode: String = "",
        credentials: CloudCredentials,
        retry: RetryPolicy = RetryPolicy(),
        upgradePollInterval: Duration = .seconds(300),
        upgradeMaxWait: Duration = .seconds(1800),
        sessionTimestampLead: Int64 = 60,
        storeVersion: String = "1",
        loginURL: String? = nil,
        sessionStore: (any SessionStore)? = nil
    ) {
        self.apiURL = apiURL
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.oemCode = oemCode
        self.credentials = credentials
        self.retry = retry
        self.upgradePollInterval = upgradePollInterval
        self.upgradeMaxWait = upgradeMaxWait
        self.sessionTimestampLead = sessionTimestampLead
        self.storeVersion = storeVersion
        self.loginURL = loginURL
        self.sessionStore = sessionStore
    }
}

/// How the client proves who the user is. Never printed: `description` hides every secret.
public enum CloudCredentials: Sendable, CustomStringConvertible {
    /// The account's e-mail and plaintext password; the client sends only its MD5 (NOTES.md).
    case password(username: String, password: String)
    /// A pair the user already holds (vendor app, OEM backend). With a refresh token the
    /// client can renew it; without, an expired token ends in an authentication error.
    case token(openId: String, accessToken: String, refreshToken: String?)

    /// Who logs in, without a secret: the username, or the openId.
    var account: String {
        switch self {
        case .password(let username, _): return "user:" + username.lowercased()
        case .token(let openId, _, _): return "openId:" + openId
        }
    }

    /// Tells configured credentials apart without keeping them: a session stored for other
    /// credentials (new tokens pasted from the vendor app) is not reused.
    var fingerprint: String {
        switch self {
        case .password(let username, _): return Hashing.sha256Hex("password|" + username.lowercased())
        case .token(let openId, let accessToken, let refreshToken):
            return Hashing.sha256Hex("token|\(openId)|\(accessToken)|\(refreshToken ?? "")")
        }
    }

    public var description: String {
        switch self {
        case .password(let username, _): return "password login for \(username)"
        case .token(let openId, _, _): return "access token for openId \(openId)"
        }
    }
}

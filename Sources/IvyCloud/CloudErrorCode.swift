/// An `errorCode` of the cloud's envelope. Codes the document (or NOTES.md) lists are known by
/// name and meaning; any other code is kept verbatim, so nothing the cloud says is lost.
public struct CloudErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The document's symbolic name, e.g. `FC_AUTH_ACCESSTOKEN_EXPIRED`.
    public var name: String? { Self.known[rawValue]?.name }
    /// The document's explanation.
    public var meaning: String? { Self.known[rawValue]?.meaning }

    public var description: String {
        if let name { return "\(rawValue) \(name)" }
        return rawValue
    }

    public static let parameterEmpty = CloudErrorCode(rawValue: "000005")
    public static let invalidParameter = CloudErrorCode(rawValue: "000006")
    public static let systemUpgrade = CloudErrorCode(rawValue: "000066")
    public static let systemAddressChange = CloudErrorCode(rawValue: "000077")
    public static let systemError = CloudErrorCode(rawValue: "000099")
    public static let wrongHTTPMethod = CloudErrorCode(rawValue: "001002")
    public static let sqlException = CloudErrorCode(rawValue: "003301")
    public static let serviceNotImplemented = CloudErrorCode(rawValue: "009999")
    public static let firmwareVersionInvalid = CloudErrorCode(rawValue: "010026")
    public static let firmwareLinkNotExists = CloudErrorCode(rawValue: "010120")
    public static let firmwareNotSupportUpgrade = CloudErrorCode(rawValue: "010121")
    public static let deviceAlreadyExists = CloudErrorCode(rawValue: "020040")
    public static let deviceNotExists = CloudErrorCode(rawValue: "020041")
    public static let deviceAddedByOthers = CloudErrorCode(rawValue: "020042")
    public static let appKeyNotExists = CloudErrorCode(rawValue: "030010")
    public static let appSecretNotMatch = CloudErrorCode(rawValue: "030020")
    public static let openIdNotExists = CloudErrorCode(rawValue: "030030")
    public static let openIdNotMatch = CloudErrorCode(rawValue: "030031")
    public static let accessTokenNotMatch = CloudErrorCode(rawValue: "030040")
    public static let accessTokenExpired = CloudErrorCode(rawValue: "030041")
    public static let usernameNotExists = CloudErrorCode(rawValue: "030060")
    public static let passwordNotMatch = CloudErrorCode(rawValue: "030061")
    public static let tokenNotExists = CloudErrorCode(rawValue: "030091")
    public static let grantNotExists = CloudErrorCode(rawValue: "883202")
    public static let grantCannotActivate = CloudErrorCode(rawValue: "883203")
    public static let grantNotMatchDevice = CloudErrorCode(rawValue: "883204")

    /// The codes that say "your token is no good": refreshing or logging in again may cure them.
    /// `030091` and `030040` cannot be told apart from an expired token (NOTES.md).
    public var isTokenProblem: Bool {
        self == .accessTokenExpired || self == .accessTokenNotMatch || self == .tokenNotExists
    }

    /// Codes that no retry can cure and that mean the configuration or account is wrong.
    public var isAuthentication: Bool {
        isTokenProblem || [.appKeyNotExists, .appSecretNotMatch, .openIdNotExists, .openIdNotMatch,
                           .usernameNotExists, .passwordNotMatch].contains(self)
    }

    private static let known: [String: (name: String, meaning: String)] = [
        "000005": ("FC_PARAMETER_EMPTY", "Parameter is empty"),
        "000006": ("FC_INVALID_PARAMETER", "Request parameter error: a parameter is missing or misspelled, or the wrong HTTP method was used"),
        "000066": ("FC_SYSTEM_UPGRADE", "The system is being upgraded; poll again later"),
        "000077": ("FC_SYSTEM_ADDRESS_CHANGE", "The address of the dispatch center changed; the answer carries the new one"),
        "000099": ("FC_SYSTEM_ERROR", "System error: internal server error or service restart; try again later"),
        "001002": ("FC_HTTP_METHOD_NOT_SUPPORTED", "Wrong HTTP method for this service"),
        "003301": ("FC_SQLEXCEPTION", "SQL exception"),
        "009999": ("FC_SERVICE_NOT_IMPLEMENT", "The api does not exist or is not implemented"),
        "010026": ("PT_FIRMWARE_VERSION_INVALID", "Invalid version number"),
        "010120": ("PT_FIRMWARE_LINK_NOT_EXISTS", "This model does not have a firmware upgrade chain"),
        "010121": ("PT_FIRMWARE_NOT_SUPPORT_UPGRADE", "Does not support smart upgrade"),
        "020040": ("FC_ACCOUNT_USER_IPC_SETTING_ALREADY_EXISTS", "The device has already been added"),
        "020041": ("FC_ACCOUNT_USER_IPC_SETTING_NOT_EXISTS", "The device is not on this account"),
        "020042": ("FC_ACCOUNT_THE_IPC_HAS_BEEN_ADDED_BY_OTHERS", "The device has been added by another account"),
        "030010": ("FC_AUTH_APPKEY_NOT_EXISTS", "AppKey (clientId) does not exist"),
        "030020": ("FC_AUTH_APPSECRET_NOT_MATCH", "AppSecret (clientSecret) does not match"),
        "030030": ("FC_AUTH_OPENID_NOT_EXISTS", "openId does not exist"),
        "030031": ("FC_AUTH_OPENID_NOT_MATCH", "openId does not match"),
        "030040": ("FC_AUTH_ACCESSTOKEN_NOT_MATCH", "accessToken does not match"),
        "030041": ("FC_AUTH_ACCESSTOKEN_EXPIRED", "accessToken expired; log in again"),
        "030060": ("FC_AUTH_USERNAME_NOT_EXISTS", "The username does not exist"),
        "030061": ("FC_AUTH_PASSWORD_NOT_MATCH", "The password does not match"),
        "030091": ("FC_AUTH_TOKEN_NOT_EXISTS", "The token does not exist"),
        "883202": ("PERMISSION_GRANTID_RECORD_NOT_EXISTS", "Authorization record does not exist"),
        "883203": ("PERMISSION_GRANT_STATUS_CANNOT_ACTIVE", "The authorization record status does not allow activation"),
        "883204": ("PERMISSION_GRANTID_RECORD_NOT_MATCH_IPCMAC", "Authorization record does not match the device"),
    ]
}

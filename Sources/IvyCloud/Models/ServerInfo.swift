/// `center.getServerInfo`: where the user's recordings live and the token to reach them.
public struct ServerInfo: Sendable, Decodable, CustomStringConvertible {
    public var userId: Int64?
    /// Secret: signs every store call. Never printed.
    public var subtoken: String
    public var area: String?
    public var tag: String?
    public var storeTag: String?
    public var alexaTag: String?
    public var sendMsgUrl: String?
    public var sendMsgUrlSecure: String?
    public var url: String?
    /// A bare `host:port` or a full base URL (NOTES.md); see `storeBaseURL`.
    public var storeUrl: String
    public var alexaUrl: String?
    public var channelCount: Int?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        userId = c.int("userId")
        subtoken = try c.required(c.string("subtoken"), "subtoken")
        area = c.string("area")
        tag = c.string("tag")
        storeTag = c.string("storeTag")
        alexaTag = c.string("alexaTag")
        sendMsgUrl = c.string("sendMsgUrl")
        sendMsgUrlSecure = c.string("sendMsgUrlSecure")
        url = c.string("url")
        storeUrl = try c.required(c.string("storeUrl"), "storeUrl")
        alexaUrl = c.string("alexaUrl")
        channelCount = c.int("channelCount").map { Int($0) }
    }

    /// The base for `/stream`: a full URL as given, a bare host with `https://` (the document
    /// calls it a HOST and shows https everywhere).
    public var storeBaseURL: String {
        var base = storeUrl
        if !(base.hasPrefix("http://") || base.hasPrefix("https://")) { base = "https://" + base }
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/stream") { base.removeLast("/stream".count) }
        return base
    }

    public var description: String {
        "ServerInfo(userId: \(userId.map(String.init) ?? "-"), area: \(area ?? "-"), storeUrl: \(storeUrl), subtoken: REDACTED)"
    }
}

/// One HTTP request, as the transport sends it. A value, so that a retry can resend it as is.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case head = "HEAD"
    }

    public var url: String
    public var method: Method
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The whole exchange, connection included. `nil` takes the transport's default.
    public var timeout: Duration?
    /// Decode a compressed body (`Content-Encoding` gzip, deflate, br, zstd: whatever libcurl
    /// was built with), so that the body, and its length, are what the server meant. `false`
    /// takes the bytes as sent: the way to read a body mislabelled as compressed.
    public var decodesContent = true
    /// Where the body goes: when set, into this file as it arrives (and only its first
    /// `prefixLength` bytes into the response's `body`), so that it waits on disk rather than in
    /// memory. A write that fails ends the transfer (`SpoolFile.checkWrites()` says why).
    public var spool: SpoolFile?

    public init(
        url: String,
        method: Method = .get,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// A POST with an `application/x-www-form-urlencoded` body, the only body the cloud takes.
    public static func form(url: String, fields: [(String, String)], timeout: Duration? = nil) -> HTTPRequest {
        HTTPRequest(
            url: url,
            method: .post,
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(fields).utf8),
            timeout: timeout
        )
    }
}

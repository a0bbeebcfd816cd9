import Foundation

/// Status line and headers, available before the body has arrived.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The URL that answered, after any redirects: what relative references in the body
    /// resolve against (RFC 3986 §5.1.3). `nil` when the transport does not know it.
    public var url: String?

    public init(status: Int, headers: [(name: String, value: String)], url: String? = nil) {
        self.status = status
        self.headers = headers
        self.url = url
    }

    /// The last value of a header, matched case-insensitively as RFC 9110 requires.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.last { $0.name.lowercased() == lowered }?.value
    }
}

/// A response whose body has been read completely.
public struct HTTPResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: [UInt8]

    public init(head: HTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

    public var status: Int { head.status }
    /// The URL that answered, after redirects (see `HTTPResponseHead.url`).
    public var url: String? { head.url }
    public func header(_ name: String) -> String? { head.header(name) }

    /// See `HTTPResponseHead.isRetryableStatus`.
    public var isRetryableStatus: Bool { head.isRetryableStatus }
    /// See `HTTPResponseHead.retryAfter`.
    public var retryAfter: Duration? { head.retryAfter }
}

extension HTTPResponseHead {
    /// 408, 429 and 5xx: the server may well answer the same request next time.
    public var isRetryableStatus: Bool { status == 408 || status == 429 || (500...599).contains(status) }

    /// `Retry-After` in seconds (the HTTP-date form is not used by the servers we talk to).
    public var retryAfter: Duration? {
        header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds(max(0, $0)) }
    }
}

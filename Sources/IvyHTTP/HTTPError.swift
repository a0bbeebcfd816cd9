/// A failure below HTTP semantics: the exchange did not complete. A 4xx or 5xx answer is not
/// an `HTTPError`; the caller reads the status.
public struct HTTPError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Equatable, Sendable {
        case couldNotResolve
        case couldNotConnect
        case timedOut
        case partialBody
        case bodyTooLarge
        case tls
        case shutdown
        case invalidURL
        case badContentEncoding
        case unsupported
        case other
    }

    private let code: Code
    /// Says what happened, never which URL (URLs carry signatures and tokens).
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: HTTPError, rhs: HTTPError) -> Bool { lhs.code == rhs.code }

    public static let couldNotResolve = HTTPError(.couldNotResolve, "could not resolve the host name")
    public static let couldNotConnect = HTTPError(.couldNotConnect, "could not connect to the server")
    public static let timedOut = HTTPError(.timedOut, "the request timed out")
    public static let partialBody = HTTPError(.partialBody, "the body ended before its announced length")
    public static let bodyTooLarge = HTTPError(.bodyTooLarge, "the body is larger than allowed")
    public static let tls = HTTPError(.tls, "the TLS handshake or certificate check failed")
    public static let shutdown = HTTPError(.shutdown, "the HTTP transport was shut down")
    public static let invalidURL = HTTPError(.invalidURL, "the URL is malformed or its scheme is not http/https")
    /// The body does not decode as its `Content-Encoding` says: read it again with
    /// `HTTPRequest.decodesContent` off to take the bytes as sent.
    public static let badContentEncoding = HTTPError(.badContentEncoding, "the body does not decode as its Content-Encoding says")

    static func other(_ message: String) -> HTTPError { HTTPError(.other, message) }

    /// This libcurl cannot do what the request needs (an option it refuses): another try
    /// would fail the same way.
    static func unsupported(_ message: String) -> HTTPError { HTTPError(.unsupported, message) }

    /// Worth another try after a pause: the network or the server may recover.
    public var isTransient: Bool {
        switch code {
        case .couldNotResolve, .couldNotConnect, .timedOut, .partialBody, .other: return true
        case .bodyTooLarge, .tls, .shutdown, .invalidURL, .badContentEncoding, .unsupported: return false
        }
    }

    public var description: String { message }
}

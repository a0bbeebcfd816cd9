import Foundation

/// The cloud answered, and said no. Carries everything a user needs to act on it, and no secret:
/// `failureDetails` is the cloud's own text about the failure, never our request.
public struct CloudAPIError: Error, Sendable, CustomStringConvertible {
    public let code: CloudErrorCode
    public let service: String
    public let failureDetails: String

    public init(code: CloudErrorCode, service: String, failureDetails: String) {
        self.code = code
        self.service = service
        self.failureDetails = failureDetails
    }

    public var description: String {
        var text = "\(service) failed: \(code)"
        if let meaning = code.meaning { text += " (\(meaning))" }
        if !failureDetails.isEmpty && !Self.restates(code.meaning, failureDetails) { text += ": \(failureDetails)" }
        return text
    }

    /// Whether the cloud's text only repeats the code's documented meaning ("password does not
    /// match" after "The password does not match"): said once, the line stays one clear cause.
    private static func restates(_ meaning: String?, _ details: String) -> Bool {
        guard let meaning else { return false }
        let trimmed = details.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).lowercased()
        return !trimmed.isEmpty && meaning.lowercased().contains(trimmed)
    }
}

/// The exchange with the cloud failed before a verdict: network, HTTP status, an answer we
/// cannot read, missing credentials, or an upgrade that outlasted our patience.
public struct CloudClientError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Equatable, Sendable {
        case transport
        case httpStatus
        case malformedAnswer
        case missingCredentials
        case upgradeTimeout
        case invalidInput
        case notFound
    }

    private let code: Code
    public let service: String
    public let detail: String
    /// The HTTP status, for `httpStatus`.
    public let status: Int?

    private init(_ code: Code, service: String, detail: String, status: Int? = nil) {
        self.code = code
        self.service = service
        self.detail = detail
        self.status = status
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func transport(_ service: String, _ detail: String) -> Self { Self(.transport, service: service, detail: detail) }
    static func httpStatus(_ service: String, _ status: Int) -> Self { Self(.httpStatus, service: service, detail: "HTTP status \(status)", status: status) }
    static func malformedAnswer(_ service: String, _ detail: String) -> Self { Self(.malformedAnswer, service: service, detail: detail) }
    static func missingCredentials(_ detail: String) -> Self { Self(.missingCredentials, service: "login", detail: detail) }
    static func upgradeTimeout(_ service: String, _ detail: String) -> Self { Self(.upgradeTimeout, service: service, detail: detail) }
    static func invalidInput(_ service: String, _ detail: String) -> Self { Self(.invalidInput, service: service, detail: detail) }
    static func notFound(_ service: String, _ url: String) -> Self { Self(.notFound, service: service, detail: url, status: 404) }

    /// Patterns for `catch` and tests; `service` and `detail` do not take part in `==`.
    public static let transport = Self(.transport, service: "", detail: "")
    public static let httpStatus = Self(.httpStatus, service: "", detail: "")
    public static let malformedAnswer = Self(.malformedAnswer, service: "", detail: "")
    public static let missingCredentials = Self(.missingCredentials, service: "", detail: "")
    public static let upgradeTimeout = Self(.upgradeTimeout, service: "", detail: "")
    public static let invalidInput = Self(.invalidInput, service: "", detail: "")
    /// The API is not at the configured URL: a `404` page before any call had an answer.
    public static let notFound = Self(.notFound, service: "", detail: "")

    /// The cloud could not be reached or kept failing: "cloud unavailable" to a user.
    public var isUnavailable: Bool {
        code == .transport || code == .httpStatus || code == .upgradeTimeout
    }

    public var description: String {
        switch code {
        case .transport: return "\(service): could not reach the cloud: \(detail)"
        case .httpStatus: return "\(service): the cloud answered \(detail)"
        case .malformedAnswer: return "\(service): the cloud's answer could not be read: \(detail)"
        case .missingCredentials: return "no credentials: \(detail)"
        case .upgradeTimeout: return "\(service): the cloud is being upgraded: \(detail)"
        case .invalidInput: return "\(service): \(detail)"
        case .notFound: return "the cloud API is not at \(detail) (HTTP 404 Not Found): check api_url (--api-url, IVY_API_URL) or login_url"
        }
    }
}

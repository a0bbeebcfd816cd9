import IvyHTTP

/// The standard OAuth 2.0 token endpoint some deployments offer instead of the vendor's form
/// (NOTES.md): RFC 6749 §4.3 (password grant) and §6 (refresh), form-encoded, answered with
/// `access_token`, `refresh_token`, `expires_in` and this cloud's `open_id`.
extension CloudClient {
    /// The token endpoint: `login_url` when it names one, else `<api>/oauth/token`.
    var tokenEndpoint: String {
        if let loginURL = configuration.loginURL, loginURL.hasSuffix("/token") { return loginURL }
        return currentAPIURL + "/oauth/token"
    }

    /// `grant_type=<grant>` with `fields`, the client's identity added. A `5xx`, `429` or a
    /// network failure is tried again as any call; an RFC 6749 §5.2 error is final:
    /// `invalid_grant` throws `CloudAPIError` `030061` (password) or `030091` (refresh token),
    /// `invalid_client` `030020`. `openId` stands in when the answer names none (a refresh).
    func tokenGrant(style grant: String, _ fields: [(String, String)], openId: String? = nil) async throws -> Session {
        let service = "oauth/token"
        let request = HTTPRequest.form(url: tokenEndpoint, fields: [("grant_type", grant)] + fields + [
            ("client_id", configuration.clientId), ("client_secret", configuration.clientSecret),
        ], timeout: configuration.callTimeout)
        var state = CallRetryState(service: service, authentication: .none, idempotent: false, retry: configuration.retry,
                                   upgradePollInterval: configuration.upgradePollInterval, upgradeMaxWait: configuration.upgradeMaxWait)
        while true {
            try Task.checkCancellation()
            let outcome: CallRetryState.Outcome
            do {
                let response = try await transport.execute(request)
                if response.isRetryableStatus {
                    outcome = .httpStatus(response.status, retryAfter: response.retryAfter)
                } else {
                    return try Self.tokenAnswer(response, grant: grant, openId: openId, service: service, url: tokenEndpoint)
                }
            } catch let error as HTTPError {
                outcome = .transportFailed(error)
            }
            switch state.next(after: outcome) {
            case .backOff(let delay, let reason):
                logRetry(service, after: outcome, delay: delay, reason: reason)
                try await Task.sleep(for: delay)
            case .fail(let error):
                throw error
            default:
                throw CloudClientError.malformedAnswer(service, "unexpected answer")
            }
        }
    }

    private static func tokenAnswer(_ response: HTTPResponse, grant: String, openId: String?, service: String, url: String) throws -> Session {
        struct Answer: Decodable {
            var error: String?
            var errorDescription: String?
            var envelopeCode: String?
            var session: Session?

            init(from decoder: any Decoder) throws {
                let top = try decoder.container(keyedBy: AnyKey.self)
                error = top.string("error")
                errorDescription = top.string("error_description")
                envelopeCode = top.string("errorCode").flatMap { $0.isEmpty ? nil : $0 }
                // Some servers wrap the RFC's fields in the cloud's envelope.
                let c = (try? top.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data"))) ?? top
                guard let access = c.string("access_token") ?? c.string("accessToken") else { return }
                session = Session(
                    openId: c.string("open_id") ?? c.string("openId") ?? c.string("openid") ?? "",
                    accessToken: access,
                    refreshToken: c.string("refresh_token") ?? c.string("refreshToken"),
                    expiresIn: c.int("expires_in") ?? c.int("expiresIn"),
                    userId: c.int("user_id") ?? c.int("userId"))
            }
        }
        guard let answer = try? JSONDecoding.decode(Answer.self, from: response.body) else {
            if (200..<300).contains(response.status) { throw CloudClientError.malformedAnswer(service, "not a JSON token answer") }
            // No token endpoint there: a wrong URL, named as such (after the other login style).
            if response.status == 404 { throw CloudClientError.notFound(service, url) }
            throw CloudClientError.httpStatus(service, response.status)
        }
        if let error = answer.error {
            let code: CloudErrorCode = switch error {
            case "invalid_grant": grant == "password" ? .passwordNotMatch : .tokenNotExists
            case "invalid_client", "unauthorized_client": .appSecretNotMatch
            default: .serviceNotImplemented
            }
            throw CloudAPIError(code: code, service: service, failureDetails: answer.errorDescription ?? error)
        }
        if let code = answer.envelopeCode {
            throw CloudAPIError(code: CloudErrorCode(rawValue: code), service: service, failureDetails: "")
        }
        guard (200..<300).contains(response.status) else { throw CloudClientError.httpStatus(service, response.status) }
        guard var session = answer.session else { throw CloudClientError.malformedAnswer(service, "missing access_token") }
        if session.openId.isEmpty {
            guard let openId else { throw CloudClientError.malformedAnswer(service, "missing open_id") }
            session.openId = openId
        }
        return session
    }
}

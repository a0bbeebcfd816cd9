/// Login (`/oauth`, NOTES.md) and the session's renewal.
extension CloudClient {
    /// Logs in with the configured password (or returns the session already held).
    @discardableResult
    public func login() async throws -> Session {
        try await currentSession()
    }

    func currentSession() async throws -> Session {
        if let session { return session }
        guard case .password(let username, let password) = configuration.credentials else {
            throw CloudClientError.missingCredentials("give a username and password, or an openId and accessToken")
        }
        let fresh = try await authorize(username: username, password: password)
        session = fresh
        return fresh
    }

    /// `service=authorize`, `grantType=password`; the password travels as its MD5 only.
    func authorize(username: String, password: String) async throws -> Session {
        var parameters = [
            ("grantType", "password"),
            ("username", username),
            ("password", Hashing.md5Hex(password)),
            ("clientId", configuration.clientId),
            ("clientSecret", configuration.clientSecret),
        ]
        if !configuration.oemCode.isEmpty { parameters.append(("oemCode", configuration.oemCode)) }
        let body = try await perform(Call(host: .oauth, service: "authorize", method: .post, parameters: parameters, authentication: .none))
        return try decodeSession(body, service: "authorize")
    }

    /// `service=refresh_access_token`: a new access token for the refresh token.
    public func refreshAccessToken() async throws -> Session {
        guard let current = session, let refreshToken = current.refreshToken else {
            throw CloudClientError.missingCredentials("no refresh token to renew the access token with")
        }
        let parameters = [
            ("openId", current.openId),
            ("refreshToken", refreshToken),
            ("clientId", configuration.clientId),
            ("clientSecret", configuration.clientSecret),
        ]
        let body = try await perform(
            Call(host: .oauth, service: "refresh_access_token", method: .post, parameters: parameters, authentication: .none))
        var renewed = try decodeSession(body, service: "refresh_access_token")
        if renewed.refreshToken == nil { renewed.refreshToken = refreshToken }
        session = renewed
        return renewed
    }

    /// After a token problem, once for all the calls that hit it: when `rejected` is no longer
    /// the session's token another call has renewed it already; while a renewal is under way,
    /// wait for it; else renew.
    func reauthenticate(after code: CloudErrorCode, rejected: String?) async throws {
        if let rejected, let current = session?.accessToken, current != rejected { return }
        if renewing {
            try await withCheckedThrowingContinuation { renewalWaiters.append($0) }
            return
        }
        renewing = true
        let result: Result<Void, any Error>
        do {
            try await renew(after: code)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        renewing = false
        let waiters = renewalWaiters
        renewalWaiters = []
        waiters.forEach { $0.resume(with: result) }
        try result.get()
    }

    /// Refresh if we can, else log in again if we can, else give up with the cloud's own verdict.
    private func renew(after code: CloudErrorCode) async throws {
        logger.info("access token rejected; renewing", metadata: ["code": "\(code.rawValue)"])
        if session?.refreshToken != nil {
            do {
                _ = try await refreshAccessToken()
                return
            } catch let error as CloudAPIError {
                logger.info("token refresh failed", metadata: ["code": "\(error.code.rawValue)"])
            }
        }
        guard case .password(let username, let password) = configuration.credentials else {
            throw CloudAPIError(code: code, service: "authentication", failureDetails: "the access token was rejected and cannot be renewed")
        }
        session = try await authorize(username: username, password: password)
    }

    private func decodeSession(_ body: [UInt8], service: String) throws -> Session {
        struct Reply: Decodable {
            var session: Session
            init(from decoder: any Decoder) throws {
                let top = try decoder.container(keyedBy: AnyKey.self)
                let c = (try? top.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data"))) ?? top
                session = Session(
                    openId: try c.required(c.string("openId"), "openId"),
                    accessToken: try c.required(c.string("accessToken"), "accessToken"),
                    refreshToken: c.string("refreshToken"),
                    expiresIn: c.int("expiresIn"),
                    userId: c.int("userId")
                )
            }
        }
        return try decode(Reply.self, from: body, service: service).session
    }
}

import IvyConcurrency

/// Login (`/oauth`, NOTES.md; or the OAuth 2.0 token endpoint) and the session's renewal.
extension CloudClient {
    /// Logs in with the configured password (or returns the session already held).
    @discardableResult
    public func login() async throws -> Session {
        try await currentSession()
    }

    /// The session, logging in first when there is none; concurrent first calls share one login.
    func currentSession() async throws -> Session {
        if let session { return session }
        if let loginInFlight { return try await loginInFlight.valueCancellingWithCaller }
        guard case .password(let username, let password) = configuration.credentials else {
            throw CloudClientError.missingCredentials("give a username and password, or an openId and accessToken")
        }
        let login = Task { try await self.logIn(username: username, password: password) }
        loginInFlight = login
        defer { loginInFlight = nil }
        return try await login.valueCancellingWithCaller
    }

    /// Password login in the style that worked last (else the vendor's form first); the next
    /// style is tried only when the endpoint is not there (`009999`, `404`, no JSON answer),
    /// never after a wrong password.
    func logIn(username: String, password: String) async throws -> Session {
        try await inLoginStyles { style in
            switch style {
            case .vendor: try await authorize(username: username, password: password)
            case .oauth2: try await tokenGrant(style: "password", [("username", username), ("password", password)])
            }
        }
    }

    /// Runs `exchange` in the login style that worked last (else the vendor's form first), and
    /// in the other when the first's endpoint is not there (`009999`, `404`, no JSON answer);
    /// never after a refusal (a wrong password). `login_url` names one style, and only it.
    private func inLoginStyles(_ exchange: (LoginStyle) async throws -> Session) async throws -> Session {
        let styles: [LoginStyle]
        if let loginURL = configuration.loginURL {
            styles = [loginURL.hasSuffix("/token") ? .oauth2 : .vendor]
        } else {
            styles = loginStyle == .oauth2 ? [.oauth2, .vendor] : [.vendor, .oauth2]
        }
        for (index, style) in styles.enumerated() {
            do {
                let fresh = try await exchange(style)
                adopt(fresh, style: style)
                return fresh
            } catch let error where index + 1 < styles.count && Self.isMissingEndpoint(error) {
                logger.notice("this login endpoint is not offered; trying the next", metadata: ["style": "\(style)", "answer": "\(error)"])
            }
        }
        preconditionFailure("the last login style returns or throws")
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

    /// A new access token for the refresh token, in the style the login used. The cloud may
    /// rotate the refresh token: the new one is kept (and persisted), the old one is spent.
    public func refreshAccessToken() async throws -> Session {
        guard let current = session, let refreshToken = current.refreshToken else {
            throw CloudClientError.missingCredentials("no refresh token to renew the access token with")
        }
        return try await inLoginStyles { style in
            var renewed: Session
            switch style {
            case .oauth2:
                renewed = try await tokenGrant(style: "refresh_token", [("refresh_token", refreshToken)], openId: current.openId)
            case .vendor:
                let parameters = [
                    ("openId", current.openId),
                    ("refreshToken", refreshToken),
                    ("clientId", configuration.clientId),
                    ("clientSecret", configuration.clientSecret),
                ]
                let body = try await perform(
                    Call(host: .oauth, service: "refresh_access_token", method: .post, parameters: parameters, authentication: .none))
                renewed = try decodeSession(body, service: "refresh_access_token")
            }
            if renewed.refreshToken == nil { renewed.refreshToken = refreshToken }
            return renewed
        }
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
            throw CloudAPIError(code: code, service: "token renewal", failureDetails: "the access token was rejected and cannot be renewed")
        }
        _ = try await logIn(username: username, password: password)
    }

    /// Takes `fresh` as the session, and keeps it for the next run when a store is set: a
    /// rotated refresh token lost here would fail every later run.
    func adopt(_ fresh: Session, style: LoginStyle) {
        session = fresh
        loginStyle = style
        guard let store = configuration.sessionStore else { return }
        do {
            try store.save(StoredSession(session: fresh, style: style, credentials: configuration.credentials.fingerprint))
        } catch {
            logger.warning("the session could not be saved for the next run", metadata: ["error": "\(error)"])
        }
    }

    /// A login endpoint that is not there, as opposed to one that said no.
    static func isMissingEndpoint(_ error: any Error) -> Bool {
        switch error {
        case let error as CloudAPIError: return error.code == .serviceNotImplemented
        case let error as CloudClientError: return error.status == 404 || error.status == 405 || error == .malformedAnswer
        default: return false
        }
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

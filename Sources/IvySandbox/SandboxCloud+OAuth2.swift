/// `POST /oauth/token`: the standard OAuth 2.0 token endpoint (RFC 6749 §4.3 password grant,
/// §6 refresh, §5.1 answer, §5.2 errors) that some deployments offer instead of the vendor's
/// form (NOTES.md). The password is sent as is, as the RFC has it.
extension SandboxCloud {
    func oauthToken(_ request: SandboxRequest) -> SandboxResponse {
        guard request.method == "POST" else { return Self.oauthError(405, "invalid_request", "POST only") }
        let form = SandboxRequest(method: request.method, path: request.path, query: [], form: request.form, baseURL: request.baseURL)
        guard form.parameter("client_id") == configuration.clientId, form.parameter("client_secret") == configuration.clientSecret else {
            return Self.oauthError(401, "invalid_client", "unknown client")
        }
        let account: Int
        switch form.parameter("grant_type") {
        case "password":
            guard let username = form.parameter("username"), let password = form.parameter("password") else {
                return Self.oauthError(400, "invalid_request", "username and password are required")
            }
            guard let known = state.withLock({ $0.account(username: username) }) else {
                return Self.oauthError(400, "invalid_grant", "bad username or password")
            }
            guard password == configuration.accounts[known].password else {
                countLogin(known, succeeded: false)
                return Self.oauthError(400, "invalid_grant", "bad username or password")
            }
            countLogin(known, succeeded: true)
            account = known
        case "refresh_token":
            // The refresh token alone says whose session it renews.
            guard let refresh = form.parameter("refresh_token"), let owner = spendRefreshToken(refresh, openId: nil) else {
                return Self.oauthError(400, "invalid_grant", "unknown refresh token")
            }
            account = owner
        default:
            return Self.oauthError(400, "unsupported_grant_type", "password or refresh_token")
        }
        let tokens = issueTokens(account: account, now: serverNowSeconds)
        return SandboxResponse.json(.object([
            ("access_token", .string(tokens.access)),
            ("token_type", .string("bearer")),
            ("expires_in", .int(configuration.tokenLifetime)),
            ("refresh_token", .string(tokens.refresh)),
            ("open_id", .string(tokens.openId)),
        ]))
    }

    private static func oauthError(_ status: Int, _ error: String, _ description: String) -> SandboxResponse {
        var response = SandboxResponse.json(.object([("error", .string(error)), ("error_description", .string(description))]))
        response.status = status
        return response
    }
}

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
        let account = configuration.account
        switch form.parameter("grant_type") {
        case "password":
            guard let username = form.parameter("username"), let password = form.parameter("password") else {
                return Self.oauthError(400, "invalid_request", "username and password are required")
            }
            guard username.lowercased() == account.username.lowercased(), password == account.password else {
                return Self.oauthError(400, "invalid_grant", "bad username or password")
            }
        case "refresh_token":
            let openId = state.withLock { $0.openId }
            guard let refresh = form.parameter("refresh_token"), spendRefreshToken(refresh, openId: openId) else {
                return Self.oauthError(400, "invalid_grant", "unknown refresh token")
            }
        default:
            return Self.oauthError(400, "unsupported_grant_type", "password or refresh_token")
        }
        let (openId, tokens) = state.withLock { state in
            (state.openId, state.issueToken(lifetime: configuration.tokenLifetime, calls: configuration.tokenLifetimeInCalls, now: serverNowSeconds))
        }
        return SandboxResponse.json(.object([
            ("access_token", .string(tokens.access)),
            ("token_type", .string("bearer")),
            ("expires_in", .int(configuration.tokenLifetime)),
            ("refresh_token", .string(tokens.refresh)),
            ("open_id", .string(openId)),
        ]))
    }

    private static func oauthError(_ status: Int, _ error: String, _ description: String) -> SandboxResponse {
        var response = SandboxResponse.json(.object([("error", .string(error)), ("error_description", .string(description))]))
        response.status = status
        return response
    }
}

/// `/gateway` and `/oauth`: identity, then the service table of the document.
extension SandboxCloud {
    enum Access: Sendable { case none, user }

    struct ServiceSpec: Sendable {
        var method: String
        var access: Access
        var required: [String]
    }

    /// Every gateway service of the document, its HTTP method and required parameters.
    static let gatewayServices: [String: ServiceSpec] = [
        "user_ipc_setting_v2_0.addOemDevice": ServiceSpec(
            method: "POST", access: .user,
            required: ["macAddr", "deviceName", "username", "password", "hasusertag", "supportStore", "supportRichMedia", "productName", "oemCode"]),
        "user_ipc_setting_v2_0.delOemDeviceByMac": ServiceSpec(method: "POST", access: .user, required: ["macAddr"]),
        "user_ipc_setting_v2_0.updateOemDevice": ServiceSpec(method: "POST", access: .user, required: ["macAddr"]),
        "user_ipc_setting_v2_0.getOemDeviceByUser": ServiceSpec(method: "GET", access: .user, required: []),
        "user_ipc_setting_v2_0.getOemDeviceByUserAndMac": ServiceSpec(method: "GET", access: .user, required: ["macAddr"]),
        "user_ipc_setting_v2_0.delOemDeviceForce": ServiceSpec(method: "POST", access: .none, required: ["mac", "timeStamp", "oemCode", "sign"]),
        "permission.query_user_not_active": ServiceSpec(method: "GET", access: .user, required: ["supportBpi"]),
        "permission.active": ServiceSpec(method: "POST", access: .user, required: ["grantId", "ipcMac"]),
        "fcmall.get_current_service": ServiceSpec(method: "GET", access: .user, required: ["macAddr"]),
        "permission.query_user_ipcs_valid": ServiceSpec(method: "GET", access: .user, required: []),
        "center.getServerInfo": ServiceSpec(method: "GET", access: .user, required: ["oemCode"]),
        "cloud_system.current_time": ServiceSpec(method: "GET", access: .none, required: []),
        "firmware.latest": ServiceSpec(
            method: "GET", access: .user,
            required: ["macAddr", "machineTypeName", "sysVersion1", "sysVersion3", "sysVersion4", "appVersion1", "appVersion3", "appVersion4"]),
    ]

    func gateway(_ request: SandboxRequest, moved: Bool) -> SandboxResponse {
        // Scripted system answers first: they come before any validation on a real cloud.
        enum Scripted { case move, upgrade, systemError, none }
        let scripted: Scripted = state.withLock { state in
            if configuration.faults.addressChangeOnFirstCall && !state.addressChanged && !moved {
                state.addressChanged = true
                return .move
            }
            if state.upgradeAnswersLeft > 0 {
                state.upgradeAnswersLeft -= 1
                return .upgrade
            }
            if state.systemErrorAnswersLeft > 0 {
                state.systemErrorAnswersLeft -= 1
                return .systemError
            }
            return .none
        }
        switch scripted {
        case .move:
            return Self.envelope("000077", "the dispatch address has changed", extra: [("server_url", .string(request.baseURL + "/moved"))])
        case .upgrade:
            return Self.envelope("000066", "system upgrade in progress")
        case .systemError:
            return Self.envelope("000099", "system error")
        case .none:
            break
        }

        guard let service = request.parameter("service"), let spec = Self.gatewayServices[service] else {
            return Self.envelope("009999", "service not implemented")
        }
        if let refusal = validate(request, spec) { return refusal }
        guard spec.access == .user else { return publicAnswer(service, request) }
        switch authenticate(request) {
        case .refused(let refusal):
            return refusal
        case .account(let account):
            state.withLock { state in state.stats.account(state.accounts[account].username) { $0.calls[service, default: 0] += 1 } }
            return answer(service, request, account: account)
        }
    }

    /// Whose call this is, or why it is refused.
    enum Authentication {
        case account(Int)
        case refused(SandboxResponse)
    }

    /// Method and required parameters, as the document's `000006` describes.
    func validate(_ request: SandboxRequest, _ spec: ServiceSpec) -> SandboxResponse? {
        guard request.method == spec.method else {
            return Self.envelope("000006", "wrong http method: use \(spec.method)")
        }
        for name in spec.required {
            guard let value = request.parameter(name) else { return Self.envelope("000006", "missing parameter \(name)") }
            if value.isEmpty && name != "oemCode" { return Self.envelope("000005", "parameter \(name) is empty") }
        }
        return nil
    }

    /// `clientId`, `openId`, `accessToken`, with the document's authentication codes. The
    /// token must be one issued to that `openId`'s account: another account's token is refused.
    func authenticate(_ request: SandboxRequest) -> Authentication {
        guard let clientId = request.parameter("clientId"), let openId = request.parameter("openId"),
            let accessToken = request.parameter("accessToken")
        else { return .refused(Self.envelope("000006", "missing clientId, openId or accessToken")) }
        guard clientId == configuration.clientId else { return .refused(Self.envelope("030010", "appKey does not exist")) }
        let now = serverNowSeconds
        return state.withLock { state -> Authentication in
            guard let account = state.account(openId: openId) else { return .refused(Self.envelope("030030", "openId does not exist")) }
            guard var token = state.tokens[accessToken] else { return .refused(Self.envelope("030091", "token does not exist")) }
            guard token.openId == openId else { return .refused(Self.envelope("030040", "accessToken does not match")) }
            guard token.expiresAt > now, token.callsLeft.map({ $0 > 0 }) ?? true else {
                return .refused(Self.envelope("030041", "accessToken expired"))
            }
            token.callsLeft = token.callsLeft.map { $0 - 1 }
            state.tokens[accessToken] = token
            return .account(account)
        }
    }

    // MARK: /oauth (NOTES.md)

    func oauth(_ request: SandboxRequest) -> SandboxResponse {
        var request = request
        switch configuration.login {
        case .vendor: break
        case .vendorFormBodyOnly: request.query = []
        case .oauth2Only: return Self.envelope("009999", "service not implemented")
        }
        guard request.method == "POST" else { return Self.envelope("001002", "request method not supported") }
        guard let clientId = request.parameter("clientId"), let clientSecret = request.parameter("clientSecret") else {
            return Self.envelope("000006", "missing clientId or clientSecret")
        }
        guard clientId == configuration.clientId else { return Self.envelope("030010", "appKey does not exist") }
        guard clientSecret == configuration.clientSecret else { return Self.envelope("030020", "appSecret does not match") }
        let now = serverNowSeconds
        switch request.parameter("service") {
        case "authorize":
            guard request.parameter("grantType") == "password", let username = request.parameter("username"),
                let password = request.parameter("password")
            else { return Self.envelope("000006", "missing grantType, username or password") }
            guard let account = state.withLock({ $0.account(username: username) }) else {
                return Self.envelope("030060", "username does not exist")
            }
            guard password.lowercased() == Self.md5Hex(configuration.accounts[account].password) else {
                countLogin(account, succeeded: false)
                return Self.envelope("030061", "password does not match")
            }
            countLogin(account, succeeded: true)
            return tokenAnswer(account: account, now: now)
        case "refresh_access_token":
            guard let openId = request.parameter("openId"), let refresh = request.parameter("refreshToken") else {
                return Self.envelope("000006", "missing openId or refreshToken")
            }
            guard let account = spendRefreshToken(refresh, openId: openId) else { return Self.envelope("030040", "refreshToken does not match") }
            return tokenAnswer(account: account, now: now)
        default:
            return Self.envelope("009999", "service not implemented")
        }
    }

    /// The account whose live refresh token `refresh` is (of `openId`, when the request names
    /// one); with rotation it is spent now. Counted as the account's refresh.
    func spendRefreshToken(_ refresh: String, openId: String?) -> Int? {
        state.withLock { state in
            guard let owner = state.refreshTokens[refresh], openId.map({ $0 == owner }) ?? true,
                let account = state.account(openId: owner)
            else { return nil }
            if configuration.rotateRefreshTokens { state.refreshTokens[refresh] = nil }
            state.stats.account(state.accounts[account].username) { $0.refreshes += 1 }
            return account
        }
    }

    /// A password login of `account`, for its counters.
    func countLogin(_ account: Int, succeeded: Bool) {
        state.withLock { state in
            state.stats.account(state.accounts[account].username) { stats in
                if succeeded { stats.logins += 1 } else { stats.failedLogins += 1 }
            }
        }
    }

    /// A new token pair for `account`: its `openId`, tokens and `userId`.
    func issueTokens(account: Int, now: Int64) -> (openId: String, access: String, refresh: String) {
        state.withLock { state in
            let tokens = state.issueToken(account: account, lifetime: configuration.tokenLifetime, calls: configuration.tokenLifetimeInCalls, now: now)
            return (state.accounts[account].openId, tokens.access, tokens.refresh)
        }
    }

    private func tokenAnswer(account: Int, now: Int64) -> SandboxResponse {
        let tokens = issueTokens(account: account, now: now)
        return Self.envelope(data: .object([
            ("openId", .string(tokens.openId)),
            ("accessToken", .string(tokens.access)),
            ("refreshToken", .string(tokens.refresh)),
            ("expiresIn", .int(configuration.tokenLifetime)),
            ("userId", .int(configuration.accounts[account].userId)),
        ]))
    }
}

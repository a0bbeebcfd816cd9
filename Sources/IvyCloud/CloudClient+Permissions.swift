/// §3.2 Service activation and authorization.
extension CloudClient {
    /// `permission.query_user_not_active`: grants paid for and not yet activated.
    public func inactiveGrants(supportBpi: Bool = true) async throws -> [Grant] {
        let service = "permission.query_user_not_active"
        let call = Call(host: .gateway, service: service, method: .get, parameters: [("supportBpi", supportBpi ? "1" : "0")], authentication: .user)
        return try await perform(call) { try decode(GrantList.self, from: $0, service: service).grants.complete(service: service) }
    }

    /// `permission.active` (POST): activates one grant on one device.
    public func activateGrant(grantId: Int64, ipcMac: String, exceptionInfo: String? = nil, appClientVersion: String? = nil) async throws {
        var parameters = [("grantId", String(grantId)), ("ipcMac", ipcMac)]
        if let exceptionInfo { parameters.append(("exceptionInfo", exceptionInfo)) }
        if let appClientVersion { parameters.append(("appClientVersion", appClientVersion)) }
        _ = try await perform(Call(host: .gateway, service: "permission.active", method: .post, parameters: parameters, authentication: .user))
    }

    /// `fcmall.get_current_service`: the device's current cloud storage plan.
    public func currentService(mac: String) async throws -> CurrentService {
        let service = "fcmall.get_current_service"
        let body = try await perform(Call(host: .gateway, service: service, method: .get, parameters: [("macAddr", mac)], authentication: .user))
        return try decode(DataReply<CurrentService>.self, from: body, service: service).data
    }

    /// `permission.query_user_ipcs_valid`: valid grants of every device, with the server's time.
    public func validGrants() async throws -> ValidGrants {
        let service = "permission.query_user_ipcs_valid"
        let call = Call(host: .gateway, service: service, method: .get, parameters: [], authentication: .user)
        let reply = try await perform(call) { try decode(GrantList.self, from: $0, service: service) }
        return ValidGrants(grants: try reply.grants.complete(service: service), systemTime: reply.sysDate)
    }
}

private struct GrantList: Decodable {
    var grants: Listing<Grant>
    var sysDate: Int64?
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        grants = try c.listing("data", of: Grant.self)
        sysDate = try c.time("sysDate")
    }
}

/// An authorization record (`permission.query_user_not_active`, `permission.query_user_ipcs_valid`).
public struct Grant: Sendable, Equatable, Decodable {
    public var grantId: Int64
    public var ipcMac: String
    public var permissionCode: String?
    public var permissionName: String?
    /// 1 paid, 2 and 3 free.
    public var permissionType: Int?
    public var permissionValue: Int?
    /// 1 paid and waiting for activation, 3 authorized.
    public var grantStatus: Int?
    public var userTag: String?
    public var streamId: String?
    public var belongServer: String?
    /// Purchase time, unix seconds.
    public var initTime: Int64?
    public var channelCount: Int?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        grantId = try c.required(c.int("grantId"), "grantId")
        ipcMac = c.string("ipcMac") ?? ""
        permissionCode = c.string("permissionCode")
        permissionName = c.string("permissionName")
        permissionType = c.int("permissionType").map { Int($0) }
        permissionValue = c.int("permissionValue").map { Int($0) }
        grantStatus = c.int("grantStatus").map { Int($0) }
        userTag = c.string("userTag") ?? c.string("usreTag")
        streamId = c.string("streamId")
        belongServer = c.string("belongServer")
        initTime = try c.time("initTime")
        channelCount = c.int("channelCount").map { Int($0) }
    }
}

/// `permission.query_user_ipcs_valid`: the grants and the server's clock at answer time.
public struct ValidGrants: Sendable {
    public var grants: [Grant]
    /// Unix seconds (the document says seconds, its example shows milliseconds).
    public var systemTime: Int64?
}

/// `fcmall.get_current_service`: a device's cloud storage plan.
public struct CurrentService: Sendable, Equatable, Decodable {
    public var userId: Int64?
    public var macAddr: String
    public var name: String?
    public var description: String?
    /// Unix seconds; either may be absent.
    public var startTime: Int64?
    public var endTime: Int64?
    public var validity: String?
    /// 0 no service, 1 authorization failed, other values as the cloud sends them.
    public var status: Int?
    /// 1 paid package, 2 free 8-hour service.
    public var flag: Int?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        userId = c.int("userId")
        macAddr = c.string("macAddr") ?? ""
        name = c.string("name")
        description = c.string("description") ?? c.string("desc")
        startTime = try c.time("startTime")
        endTime = try c.time("endTime")
        validity = c.string("validity")
        status = c.int("status").map { Int($0) }
        flag = c.int("flag").map { Int($0) }
    }
}

extension CurrentService {
    /// How long the cloud keeps this camera's recordings, in seconds, as far as the plan says:
    /// the document gives it only in prose ("7 Day Cloud Storage", "3 days per year"; flag 2 is
    /// the free 8-hour service). `nil` when the plan does not say.
    public var retentionSeconds: Int64? {
        if flag == 2 { return 8 * 3600 }
        for text in [description, name].compactMap({ $0 }) {
            let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            for (index, word) in words.enumerated().dropLast() {
                guard let count = Int64(word), count > 0 else { continue }
                let unit = words[index + 1]
                if unit.hasPrefix("day") { return count * 86_400 }
                if unit.hasPrefix("hour") { return count * 3600 }
            }
        }
        return nil
    }
}

import Foundation

/// The gateway services' behaviour, once a call is valid and authenticated: each answers from
/// the calling account's own devices and grants.
extension SandboxCloud {
    /// The services that need no login.
    func publicAnswer(_ service: String, _ request: SandboxRequest) -> SandboxResponse {
        switch service {
        case "cloud_system.current_time":
            return Self.envelope(data: .int(serverNowMilliseconds()))
        case "user_ipc_setting_v2_0.delOemDeviceForce":
            return forceUnbind(request)
        default:
            return Self.envelope("009999", "service not implemented")
        }
    }

    func answer(_ service: String, _ request: SandboxRequest, account: Int) -> SandboxResponse {
        let p = { (name: String) in request.parameter(name) ?? "" }
        let userId = configuration.accounts[account].userId
        switch service {
        case "center.getServerInfo":
            let subtoken = state.withLock { $0.accounts[account].subtoken }
            return Self.envelope(data: .object([
                ("userId", .int(userId)), ("subtoken", .string(subtoken)), ("area", .string("NA")),
                ("tag", .string("tag")), ("storeTag", .string("storeTag")), ("alexaTag", .string("alexaTag")),
                ("sendMsgUrl", .string(request.baseURL + "/push")), ("sendMsgUrlSecure", .string(request.baseURL + "/push")),
                ("url", .string(request.baseURL + "/push")), ("storeUrl", .string(request.baseURL)),
                ("alexaUrl", .string(request.baseURL + "/alexa")), ("channelCount", .int(0)),
            ]))
        case "user_ipc_setting_v2_0.getOemDeviceByUser":
            let devices = state.withLock { $0.accounts[account].devices.map(\.device) }
            return Self.envelope(data: .array(devices.map { deviceJSON($0, userId: userId) }))
        case "user_ipc_setting_v2_0.getOemDeviceByUserAndMac":
            let device = state.withLock { state in
                state.accounts[account].deviceIndex(p("macAddr")).map { state.accounts[account].devices[$0].device }
            }
            guard let device else { return Self.envelope("020041", "user ipcsetting not exists") }
            return Self.envelope(data: deviceJSON(device, userId: userId))
        case "user_ipc_setting_v2_0.addOemDevice":
            return addDevice(request, account: account)
        case "user_ipc_setting_v2_0.updateOemDevice":
            return state.withLock { state in
                guard let index = state.accounts[account].deviceIndex(p("macAddr")) else { return Self.envelope("020041", "user ipcsetting not exists") }
                if let name = request.parameter("deviceName") { state.accounts[account].devices[index].device.name = name }
                if let name = request.parameter("productName") { state.accounts[account].devices[index].device.productName = name }
                if let name = request.parameter("username") { state.accounts[account].devices[index].device.username = name }
                if let secret = request.parameter("password") { state.accounts[account].devices[index].device.password = secret }
                return Self.envelope()
            }
        case "user_ipc_setting_v2_0.delOemDeviceByMac":
            return state.withLock { state in
                guard let index = state.accounts[account].deviceIndex(p("macAddr")) else { return Self.envelope("020041", "user ipcsetting not exists") }
                state.accounts[account].devices.remove(at: index)
                return Self.envelope()
            }
        case "permission.query_user_not_active":
            return Self.envelope(data: grantList(account: account) { $0.status == 1 })
        case "permission.query_user_ipcs_valid":
            return Self.envelope(data: grantList(account: account) { $0.status == 3 }, extra: [("sysDate", .int(serverNowMilliseconds()))])
        case "permission.active":
            return state.withLock { state in
                let grants = state.accounts[account].grants
                guard let grantId = Int64(p("grantId")), let index = grants.firstIndex(where: { $0.grantId == grantId }) else {
                    return Self.envelope("883202", "authorization record does not exist")
                }
                guard grants[index].mac.caseInsensitiveCompare(p("ipcMac")) == .orderedSame else {
                    return Self.envelope("883204", "authorization record does not match ipc")
                }
                guard grants[index].status == 1 else { return Self.envelope("883203", "authorization record status does not allow activation") }
                state.accounts[account].grants[index].status = 3
                return Self.envelope()
            }
        case "fcmall.get_current_service":
            return currentService(mac: p("macAddr"), account: account)
        case "firmware.latest":
            return latestFirmware(request, account: account)
        default:
            return Self.envelope("009999", "service not implemented")
        }
    }

    private func deviceJSON(_ device: SandboxDevice, userId: Int64) -> JSONValue {
        .object([
            ("userId", .int(userId)), ("macAddr", .string(device.mac)), ("deviceName", .string(device.name)),
            ("productName", .string(device.productName)), ("username", .string(device.username)), ("password", .string(device.password)),
            ("hasusertag", .int(2)), ("supportStore", .int(1)), ("supportRichMedia", .int(1)), ("oemCode", .string(configuration.oemCode)),
        ])
    }

    private func addDevice(_ request: SandboxRequest, account: Int) -> SandboxResponse {
        let mac = request.parameter("macAddr") ?? ""
        guard mac.count == 12, mac.allSatisfy(\.isHexDigit) else { return Self.envelope("000006", "macAddr must be 12 hexadecimal digits") }
        if configuration.accounts[account].foreignMACs.contains(mac.uppercased()) {
            return Self.envelope("020042", "the ipc has been added by others")
        }
        return state.withLock { state in
            if let owner = state.owner(of: mac) {
                // Another account of this cloud has it: as taken as a camera of the foreign list.
                guard owner.account == account else { return Self.envelope("020042", "the ipc has been added by others") }
                return Self.envelope("020040", "user ipcsetting already exists")
            }
            var device = SandboxDevice(
                mac: mac.uppercased(), name: request.parameter("deviceName") ?? "", productName: request.parameter("productName") ?? "",
                profile: .h264AAC, layout: RecordingLayout(days: 0, continuousChunksPerDay: 0, eventsPerDay: 0))
            device.username = request.parameter("username") ?? ""
            device.password = request.parameter("password") ?? ""
            state.accounts[account].devices.append(SandboxState.DeviceRecord(device: device, recordings: []))
            return Self.envelope()
        }
    }

    /// `sign = md5(mac + timeStamp + delKey)`, with a timestamp near the server's clock.
    private func forceUnbind(_ request: SandboxRequest) -> SandboxResponse {
        let mac = request.parameter("mac") ?? "", timeStamp = request.parameter("timeStamp") ?? ""
        guard request.parameter("oemCode") == configuration.oemCode else { return Self.envelope("000006", "unknown oemCode") }
        guard let stamp = Int64(timeStamp), abs(stamp - serverNowSeconds) <= 300 else {
            return Self.envelope("000006", "timeStamp is too far from the server time")
        }
        guard request.parameter("sign")?.lowercased() == Self.md5Hex(mac + timeStamp + configuration.delKey) else {
            return Self.envelope("000006", "sign does not match")
        }
        // The OEM's key unbinds a camera from whichever account has it.
        return state.withLock { state in
            guard let owner = state.owner(of: mac) else { return Self.envelope("020041", "user ipcsetting not exists") }
            state.accounts[owner.account].devices.remove(at: owner.device)
            return Self.envelope()
        }
    }

    private func grantList(account: Int, _ include: (SandboxState.GrantRecord) -> Bool) -> JSONValue {
        let records = state.withLock { $0.accounts[account].grants.filter(include) }
        return .array(records.map { grant in
            .object([
                ("grantId", .int(grant.grantId)), ("ipcMac", .string(grant.mac)), ("permissionCode", .string("CLOUD_STORE_7D")),
                ("permissionName", .string("7-day cloud recording")), ("permissionType", .int(grant.permissionType)),
                ("permissionValue", .int(0)), ("grantStatus", .int(grant.status)), ("userTag", .string("userTag")),
                ("streamId", .string("stream-" + grant.mac)), ("belongServer", .string("store")),
                ("initTime", .int(grant.initTime * 1000)), ("channelCount", .int(0)),
            ])
        })
    }

    private func currentService(mac: String, account: Int) -> SandboxResponse {
        let (known, grant) = state.withLock { state in
            let record = state.accounts[account]
            return (record.deviceIndex(mac) != nil, record.grants.first { $0.mac.caseInsensitiveCompare(mac) == .orderedSame && $0.status == 3 })
        }
        guard known else { return Self.envelope("020041", "user ipcsetting not exists") }
        let userId = configuration.accounts[account].userId
        guard let grant else {
            return Self.envelope(data: .object([("userId", .int(userId)), ("macAddr", .string(mac)), ("status", .int(0))]))
        }
        return Self.envelope(data: .object([
            ("userId", .int(userId)), ("macAddr", .string(mac)), ("name", .string("7 days per year")),
            ("description", .string("7 Day Cloud Storage")), ("startTime", .int(grant.initTime * 1000)),
            ("endTime", .int((grant.initTime + 365 * 86_400) * 1000)), ("validity", .string("12 Months")),
            ("status", .int(3)), ("flag", .int(1)),
        ]))
    }

    /// One firmware chain for every model on the account: 2.x.2.77 is the newest.
    private func latestFirmware(_ request: SandboxRequest, account: Int) -> SandboxResponse {
        let model = request.parameter("machineTypeName") ?? ""
        let models = state.withLock { Set($0.accounts[account].devices.map(\.device.productName)) }
        guard models.contains(model) else { return Self.envelope("010120", "this model does not have a firmware upgrade chain") }
        let versions = ["appVersion1", "appVersion3", "appVersion4"].map { Int(request.parameter($0) ?? "") }
        guard versions.allSatisfy({ $0 != nil }) else { return Self.envelope("010026", "invalid version number") }
        let current = versions.map { $0! }
        let newest = [2, 2, 77]
        guard current.lexicographicallyPrecedes(newest) else { return SandboxResponse.json(.object([("errorCode", .string("")), ("firmwareList", .array([])), ("remind", .int(0))])) }
        let name = "FosIPC_\(model)_app_ver2.x.2.77"
        let firmware: JSONValue = .object([
            ("id", .int(135)), ("name", .string(name)), ("desc", .string("{\"en\":\"\(name)\",\"zh\":\"\(name)\"}")),
            ("uploadUtilName", .string("local-disk")), ("backupUploadUtilName", .string("local-disk")),
            ("path", .string("/firmware/\(name).bin")), ("downloadUri", .string(request.baseURL + "/firmware/\(name).bin")),
            ("backupUri", .string(request.baseURL + "/firmware/\(name).bin")), ("md5", .string(Self.md5Hex(name).uppercased())),
            ("type", .int(2)), ("interim", .bool(false)), ("version1", .int(2)), ("version2", .string("x")),
            ("version3", .int(2)), ("version4", .int(77)), ("patchVersion", .int(0)), ("createTime", .int(1_576_569_118_000)),
            ("seqNo", .int(4)), ("newest", .bool(true)), ("active", .bool(true)), ("remind", .int(1)), ("remindActive", .bool(false)),
            ("firmwarePlatform", .string("Mstar")), ("productTypeId", .int(1)),
        ])
        return SandboxResponse.json(.object([("errorCode", .string("")), ("firmwareList", .array([firmware])), ("remind", .int(1))]))
    }
}

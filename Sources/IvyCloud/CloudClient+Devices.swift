/// §3.1 Equipment management.
extension CloudClient {
    /// `user_ipc_setting_v2_0.getOemDeviceByUser`: every device on the account. Throws
    /// `malformedAnswer` when any entry cannot be read; `deviceListing` keeps the rest.
    public func devices() async throws -> [Device] {
        try await deviceListing().complete(service: "user_ipc_setting_v2_0.getOemDeviceByUser")
    }

    /// `user_ipc_setting_v2_0.getOemDeviceByUser`: the devices that could be read, in the
    /// cloud's order, and why the others could not ("missing macAddr"). An answer without its
    /// `data` list throws `malformedAnswer`, after retries.
    public func deviceListing() async throws -> Listing<Device> {
        let service = "user_ipc_setting_v2_0.getOemDeviceByUser"
        let call = Call(host: .gateway, service: service, method: .get, parameters: [], authentication: .user)
        let listing = try await perform(call) { body in
            struct Reply: Decodable {
                var devices: Listing<Device>
                init(from decoder: any Decoder) throws {
                    devices = try decoder.container(keyedBy: AnyKey.self).listing("data", of: Device.self)
                }
            }
            return try decode(Reply.self, from: body, service: service).devices
        }
        if !listing.unreadable.isEmpty {
            logger.warning("unreadable device entries", metadata: ["count": "\(listing.unreadable.count)", "first": "\(listing.unreadable[0])"])
        }
        return listing
    }

    /// `user_ipc_setting_v2_0.getOemDeviceByUserAndMac`.
    public func device(mac: String) async throws -> Device {
        let service = "user_ipc_setting_v2_0.getOemDeviceByUserAndMac"
        let call = Call(host: .gateway, service: service, method: .get, parameters: [("macAddr", mac)], authentication: .user)
        return try await perform(call) { try decode(DataReply<Device>.self, from: $0, service: service).data }
    }

    /// `user_ipc_setting_v2_0.addOemDevice` (POST).
    public func addDevice(_ device: NewDevice) async throws {
        let parameters = [
            ("macAddr", device.macAddr),
            ("deviceName", device.deviceName),
            ("username", device.username),
            ("password", device.password),
            ("hasusertag", String(device.hasusertag)),
            ("supportStore", device.supportStore ? "1" : "0"),
            ("supportRichMedia", device.supportRichMedia ? "1" : "0"),
            ("productName", device.productName),
            ("oemCode", device.oemCode ?? configuration.oemCode),
        ]
        _ = try await perform(
            Call(host: .gateway, service: "user_ipc_setting_v2_0.addOemDevice", method: .post, parameters: parameters, authentication: .user))
    }

    /// `user_ipc_setting_v2_0.updateOemDevice` (POST): only the fields set are sent.
    public func updateDevice(_ update: DeviceUpdate) async throws {
        var parameters = [("macAddr", update.macAddr)]
        if let value = update.deviceName { parameters.append(("deviceName", value)) }
        if let value = update.username { parameters.append(("username", value)) }
        if let value = update.password { parameters.append(("password", value)) }
        if let value = update.hasusertag { parameters.append(("hasusertag", String(value))) }
        if let value = update.supportStore { parameters.append(("supportStore", value ? "1" : "0")) }
        if let value = update.supportRichMedia { parameters.append(("supportRichMedia", value ? "1" : "0")) }
        if let value = update.productName { parameters.append(("productName", value)) }
        _ = try await perform(
            Call(host: .gateway, service: "user_ipc_setting_v2_0.updateOemDevice", method: .post, parameters: parameters, authentication: .user))
    }

    /// `user_ipc_setting_v2_0.delOemDeviceByMac` (POST): removes the device from this account.
    public func removeDevice(mac: String) async throws {
        _ = try await perform(
            Call(host: .gateway, service: "user_ipc_setting_v2_0.delOemDeviceByMac", method: .post,
                 parameters: [("macAddr", mac)], authentication: .user))
    }

    /// `user_ipc_setting_v2_0.delOemDeviceForce` (POST): unbinds the device from whatever
    /// account holds it, signed with the OEM's `delKey`: `sign = md5(mac + timeStamp + delKey)`.
    /// The timestamp is the server's (never the local clock).
    public func unbindDevice(mac: String, delKey: String, oemCode: String? = nil) async throws {
        let timeStamp = String(try await serverNowSeconds())
        let parameters = [
            ("mac", mac),
            ("timeStamp", timeStamp),
            ("oemCode", oemCode ?? configuration.oemCode),
            ("sign", Hashing.md5Hex(mac + timeStamp + delKey)),
        ]
        _ = try await perform(
            Call(host: .gateway, service: "user_ipc_setting_v2_0.delOemDeviceForce", method: .post,
                 parameters: parameters, authentication: .none))
    }
}

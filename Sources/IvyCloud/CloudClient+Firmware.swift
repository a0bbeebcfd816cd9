/// §3.5 Firmware upgrade.
extension CloudClient {
    /// `firmware.latest`: the newest firmware for a model and its current versions.
    public func latestFirmware(_ query: FirmwareQuery) async throws -> FirmwareUpdate {
        let service = "firmware.latest"
        var parameters = [
            ("macAddr", query.macAddr),
            ("machineTypeName", query.machineTypeName),
            ("sysVersion1", String(query.sysVersion.0)),
            ("sysVersion3", String(query.sysVersion.1)),
            ("sysVersion4", String(query.sysVersion.2)),
            ("appVersion1", String(query.appVersion.0)),
            ("appVersion3", String(query.appVersion.1)),
            ("appVersion4", String(query.appVersion.2)),
        ]
        if let patch = query.patchVersion { parameters.append(("patchVersion", String(patch))) }
        if let oem = query.oemCode ?? (configuration.oemCode.isEmpty ? nil : configuration.oemCode) {
            parameters.append(("oemCode", oem))
        }
        let body = try await perform(Call(host: .gateway, service: service, method: .get, parameters: parameters, authentication: .user))
        struct Reply: Decodable {
            var update: FirmwareUpdate
            init(from decoder: any Decoder) throws {
                let top = try decoder.container(keyedBy: AnyKey.self)
                let data = try? top.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("data"))
                let list = (try? top.decodeIfPresent([Firmware].self, forKey: AnyKey("firmwareList")))
                    ?? (try? data?.decodeIfPresent([Firmware].self, forKey: AnyKey("firmwareList"))) ?? []
                update = FirmwareUpdate(firmware: list, remind: (top.int("remind") ?? data?.int("remind")).map { Int($0) })
            }
        }
        return try decode(Reply.self, from: body, service: service).update
    }
}

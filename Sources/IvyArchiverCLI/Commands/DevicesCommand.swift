import ArgumentParser
import IvyCloud

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List the cameras on the account.")

    @OptionGroup var global: GlobalOptions

    struct Row: Encodable {
        var mac: String
        var name: String
        var product: String?
        var supportStore: Bool
        var supportRichMedia: Bool
        var push: Int?
        var oemCode: String?
        // The device's own username and password are left out on purpose: they are secrets.
    }

    func run() async throws {
        let (client, settings) = try global.makeClient()
        let rows = try await client.devices().map {
            Row(mac: $0.macAddr, name: $0.deviceName, product: $0.productName, supportStore: $0.supportStore,
                supportRichMedia: $0.supportRichMedia, push: $0.hasusertag, oemCode: $0.oemCode)
        }
        if settings.json { return try Output.json(rows) }
        Output.table(["MAC", "NAME", "PRODUCT", "CLOUD STORAGE"], rows.map { [$0.mac, $0.name, $0.product ?? "-", $0.supportStore ? "yes" : "no"] })
    }
}

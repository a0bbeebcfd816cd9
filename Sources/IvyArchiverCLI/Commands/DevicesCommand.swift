import ArgumentParser
import IvyCloud

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List the cameras on the account.",
        discussion: "Name, MAC, model and cloud storage of each camera; --json for scripts.\n\nExamples:\n  ivy-archiver devices\n  ivy-archiver devices --json --config /etc/ivy-archiver/config.toml")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

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
        let (client, settings) = try await global.makeClient()
        let listing = try await client.deviceListing()
        let rows = listing.elements.map {
            Row(mac: $0.macAddr, name: $0.deviceName, product: $0.productName, supportStore: $0.supportStore,
                supportRichMedia: $0.supportRichMedia, push: $0.hasusertag, oemCode: $0.oemCode)
        }
        if settings.json {
            try Output.json(rows)
        } else {
            Output.table(["MAC", "NAME", "PRODUCT", "CLOUD STORAGE"], rows.map { [$0.mac, $0.name, $0.product ?? "-", $0.supportStore ? "yes" : "no"] })
        }
        // The cameras that could be read are listed; the others are named by count, exit 1.
        if !listing.unreadable.isEmpty {
            Output.error("\(listing.unreadable.count) device entr\(listing.unreadable.count == 1 ? "y" : "ies") in the cloud's answer could not be read (\(listing.unreadable[0]))")
            throw ExitCode(ExitStatus.Code.partialFailure.rawValue)
        }
    }
}

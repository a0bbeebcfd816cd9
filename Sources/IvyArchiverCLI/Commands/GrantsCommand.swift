import ArgumentParser
import IvyCloud

struct GrantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants", abstract: "Cloud storage grants: list them, activate one.",
        discussion: "Examples:\n  ivy-archiver grants list --inactive\n  ivy-archiver grants activate --grant-id 1201 --device \"Front Door\"",
        subcommands: [List.self, Activate.self], defaultSubcommand: List.self)

    struct Row: Encodable {
        var grantId: Int64
        var device: String
        var permission: String?
        var status: Int?
        var type: Int?
        var purchased: String?

        init(_ grant: Grant, _ days: CalendarDays) {
            grantId = grant.grantId
            device = grant.ipcMac
            permission = grant.permissionName ?? grant.permissionCode
            status = grant.grantStatus
            type = grant.permissionType
            purchased = grant.initTime.map(days.iso8601)
        }
    }

    static func printTable(_ rows: [Row]) {
        Output.table(["GRANT", "DEVICE", "PERMISSION", "STATUS"], rows.map {
            [String($0.grantId), $0.device, $0.permission ?? "-", $0.status == 3 ? "active" : $0.status == 1 ? "not activated" : String($0.status ?? 0)]
        })
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List valid grants, or with --inactive those waiting for activation.", discussion: "Examples:\n  ivy-archiver grants list --inactive --json")
        @Flag(name: .long, help: "List grants not yet activated.") var inactive = false
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let (client, settings) = try await global.makeClient()
            let grants = inactive ? try await client.inactiveGrants() : try await client.validGrants().grants
            let rows = grants.map { Row($0, CalendarDays(timeZone: settings.timeZone)) }
            if settings.json { return try Output.json(rows) }
            printTable(rows)
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Activate a grant on a camera.", discussion: "Examples:\n  ivy-archiver grants activate --grant-id 1201 --device \"Front Door\"")
        @Option(name: .customLong("grant-id"), help: "The grant (see 'grants list --inactive').") var grantId: Int64
        @Option(name: .long, help: "The camera: its MAC (any notation) or its name.") var device: String
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let (client, settings) = try await global.makeClient()
            let camera = try await CameraChoice.resolve(device, client: client)
            try await client.activateGrant(grantId: grantId, ipcMac: camera.macAddr)
            if settings.json { return try Output.json(["activated": grantId]) }
            print("Grant \(grantId) activated on \(camera.deviceName) (\(camera.macAddr)).")
        }
    }
}

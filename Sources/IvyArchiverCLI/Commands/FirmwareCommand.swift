import ArgumentParser
import IvyCloud

struct FirmwareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firmware", abstract: "Ask the cloud for the newest firmware of a camera.",
        discussion: "Versions as the camera shows them, e.g. 2.x.1.5; the cloud needs parts 1, 3 and 4.\n\nExamples:\n  ivy-archiver firmware --device Garage \\\n      --sys-version 1.x.4.12 --app-version 2.x.2.70")

    @Option(name: .long, help: "The camera: its MAC (any notation) or its name.") var device: String
    @Option(name: .long, help: "Model name (default: the device's product name on the account).") var model: String?
    @Option(name: .customLong("sys-version"), help: "System firmware version, e.g. 1.x.4.12.", transform: Version.parse) var sysVersion: Version
    @Option(name: .customLong("app-version"), help: "Application firmware version, e.g. 2.x.2.70.", transform: Version.parse) var appVersion: Version
    @Option(name: .long, parsing: .unconditional, help: "Patch version.", transform: NumberOption.whole(0...Int(Int32.max))) var patch: Int?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    struct Row: Encodable {
        var id: Int64
        var name: String?
        var version: String
        var md5: String?
        var downloadUri: String?
        var newest: Bool?
    }

    /// `a.x.b.c` (or `a.b.c`) to the three numbers the cloud wants.
    struct Version {
        let numbers: (Int, Int, Int)

        static func parse(_ text: String) throws -> Version {
            let fields = text.split(separator: ".").map(String.init)
            let numbers = (fields.count == 4 ? [fields[0], fields[2], fields[3]] : fields).compactMap { Int($0) }
            guard numbers.count == 3, fields.count == 3 || fields.count == 4 else {
                throw ArgumentRefusal(description: "'\(text)' is not a version like 2.x.1.5")
            }
            return Version(numbers: (numbers[0], numbers[1], numbers[2]))
        }
    }

    func run() async throws {
        let (client, settings) = try await global.makeClient()
        let camera = try await CameraChoice.resolve(device, client: client)
        let modelName = model ?? camera.productName
        guard let modelName, !modelName.isEmpty else { throw UserError("the device has no product name; pass --model") }
        let update = try await client.latestFirmware(
            FirmwareQuery(macAddr: camera.macAddr, machineTypeName: modelName, sysVersion: sysVersion.numbers, appVersion: appVersion.numbers, patchVersion: patch))
        let rows = update.firmware.map { Row(id: $0.id, name: $0.name, version: $0.version, md5: $0.md5, downloadUri: $0.downloadUri, newest: $0.newest) }
        if settings.json { return try Output.json(rows) }
        guard !rows.isEmpty else { return print("No newer firmware for \(modelName).") }
        Output.table(["ID", "VERSION", "NAME", "DOWNLOAD"], rows.map { [String($0.id), $0.version, $0.name ?? "-", $0.downloadUri ?? "-"] })
    }
}

import ArgumentParser
import IvyCloud

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Add, change, remove or unbind a camera.",
        discussion: "Examples:\n  ivy-archiver device update --device \"Front Door\" --name Porch",
        subcommands: [Add.self, Update.self, Remove.self, Unbind.self])

    static func done(_ settings: Settings, _ message: String, _ mac: String) throws {
        if settings.json { return try Output.json(["result": "ok", "device": mac]) }
        print(message)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a camera to the account.",
            discussion: "Examples:\n  ivy-archiver device add --mac 00:62:6e:8a:1b:06 --name Attic \\\n      --product FI9900P --device-username admin --device-password PW")
        @Option(name: .long, help: "MAC address (12 hex digits, any notation).", transform: CameraChoice.mac) var mac: String
        @Option(name: .long, help: "A name for the camera.") var name: String
        @Option(name: .long, help: "Model name, e.g. FI9900P.") var product: String
        @Option(name: .customLong("device-username"), help: "The camera's own login.") var deviceUsername: String
        @Option(name: .customLong("device-password"), help: "The camera's own password, as the vendor app stores it.") var devicePassword: String
        @Option(name: .long, parsing: .unconditional, help: "Push support: 0 none, 2 supported.", transform: NumberOption.whole(0...2)) var push = 0
        @Flag(inversion: .prefixedNo, help: "Cloud storage support.") var cloudStorage = true
        @Flag(name: .customLong("rich-media"), help: "Rich media push support.") var richMedia = false
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let (client, settings) = try await global.makeClient()
            try await client.addDevice(NewDevice(
                macAddr: mac, deviceName: name, username: deviceUsername, password: devicePassword, hasusertag: push,
                supportStore: cloudStorage, supportRichMedia: richMedia, productName: product))
            try DeviceCommand.done(settings, "Added \(name) (\(mac)).", mac)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a camera's settings on the account.", discussion: "Examples:\n  ivy-archiver device update --device Attic --name Loft")
        @Option(name: [.customLong("device"), .customLong("mac")], help: "The camera: its MAC (any notation) or its name.") var device: String
        @Option(name: .long, help: "A new name.") var name: String?
        @Option(name: .long) var product: String?
        @Option(name: .customLong("device-username")) var deviceUsername: String?
        @Option(name: .customLong("device-password")) var devicePassword: String?
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func validate() throws {
            guard name != nil || product != nil || deviceUsername != nil || devicePassword != nil else {
                throw ValidationError("nothing to change: give --name, --product, --device-username or --device-password")
            }
        }

        func run() async throws {
            let (client, settings) = try await global.makeClient()
            let camera = try await CameraChoice.resolve(device, client: client)
            try await client.updateDevice(DeviceUpdate(macAddr: camera.macAddr, deviceName: name, username: deviceUsername, password: devicePassword,
                                                       productName: product))
            try DeviceCommand.done(settings, "Updated \(camera.deviceName) (\(camera.macAddr)).", camera.macAddr)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a camera from the account.", discussion: "Examples:\n  ivy-archiver device remove --device Loft")
        @Option(name: [.customLong("device"), .customLong("mac")], help: "The camera: its MAC (any notation) or its name.") var device: String
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let (client, settings) = try await global.makeClient()
            let camera = try await CameraChoice.resolve(device, client: client)
            try await client.removeDevice(mac: camera.macAddr)
            try DeviceCommand.done(settings, "Removed \(camera.deviceName) (\(camera.macAddr)).", camera.macAddr)
        }
    }

    struct Unbind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unbind a camera from whatever account holds it (needs the OEM's delete key in $IVY_DEL_KEY or the config).",
            discussion: "Examples:\n  IVY_DEL_KEY=... ivy-archiver device unbind --mac 00:62:6e:8a:1b:06")
        @Option(name: .long, help: "MAC address (any notation): the camera may be on another account.", transform: CameraChoice.mac) var mac: String
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let (client, settings) = try await global.makeClient()
            guard let delKey = settings.delKey else { throw UserError("unbinding needs the OEM's delete key: set IVY_DEL_KEY or del_key in the config") }
            try await client.unbindDevice(mac: mac, delKey: delKey)
            try DeviceCommand.done(settings, "Unbound \(mac).", mac)
        }
    }
}

import Foundation
import ArgumentParser
import IvyCloud
import IvyDomain

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "service", abstract: "Show a camera's cloud plan and its grants.",
                                                    discussion: "Examples:\n  ivy-archiver service --device \"Front Door\"\n  ivy-archiver service --device 00:62:6e:8a:1b:01 --json")


    @Option(name: .long, help: "The camera: its MAC (any notation) or its name.")
    var device: String
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    struct Report: Encodable {
        var mac: String
        var name: String?
        var description: String?
        var status: Int?
        var flag: Int?
        var startTime: String?
        var endTime: String?
        var validity: String?
        var grants: [GrantsCommand.Row]
    }

    func run() async throws {
        let (client, settings) = try await global.makeClient()
        let days = CalendarDays(timeZone: settings.timeZone)
        let device = try await CameraChoice.resolve(self.device, client: client)
        let service = try await client.currentService(mac: device.macAddr)
        let valid = try await client.validGrants().grants
        let inactive = try await client.inactiveGrants()
        // The grant's MAC and the one asked for, in any notation, are one camera.
        let camera = CameraID(device.macAddr)
        let grants = (valid + inactive).filter { camera != nil && CameraID($0.ipcMac) == camera }.map { GrantsCommand.Row($0, days) }
        let report = Report(
            mac: service.macAddr, name: service.name, description: service.description, status: service.status, flag: service.flag,
            startTime: service.startTime.map(days.iso8601), endTime: service.endTime.map(days.iso8601), validity: service.validity, grants: grants)
        if settings.json { return try Output.json(report) }
        print("Device:   \(report.mac)")
        print("Plan:     \(report.name ?? "none") \(report.description.map { "(\($0))" } ?? "")")
        print("Status:   \(report.status.map(String.init) ?? "-")   flag: \(report.flag.map(String.init) ?? "-")")
        print("Period:   \(report.startTime ?? "-") to \(report.endTime ?? "-")")
        print("")
        GrantsCommand.printTable(grants)
    }
}

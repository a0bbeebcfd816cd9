import ArgumentParser
import Foundation
import IvyCloud
import IvyHTTP

struct TimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "time", abstract: "Show the cloud's clock and how far this machine's is off.",
                                                    discussion: "No login needed.\n\nExamples:\n  ivy-archiver time\n  ivy-archiver time --json")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    struct Report: Encodable {
        var serverTime: String
        var serverMilliseconds: Int64
        var offsetSeconds: Double
    }

    func run() async throws {
        let settings = try global.settings()
        let logger = try global.makeLogger()
        // The clock needs no login: cloud_system.current_time takes no identity.
        let configuration = CloudConfiguration(apiURL: settings.apiURL, clientId: settings.clientId, oemCode: settings.oemCode,
                                               credentials: .token(openId: "", accessToken: "", refreshToken: nil))
        let client = CloudClient(configuration: configuration, transport: CurlTransport(logger: logger), logger: logger)
        let server = try await client.serverTime()
        let offset = server.timeIntervalSinceNow
        let report = Report(serverTime: CalendarDays(timeZone: settings.timeZone).iso8601(Int64(server.timeIntervalSince1970)),
                            serverMilliseconds: Int64(server.timeIntervalSince1970 * 1000), offsetSeconds: (offset * 1000).rounded() / 1000)
        if settings.json { return try Output.json(report) }
        print("Cloud time: \(report.serverTime)")
        print("This machine is \(String(format: "%.3f", abs(offset))) s \(offset > 0 ? "behind" : "ahead of") the cloud.")
    }
}

import ArgumentParser
import IvyCloud
import IvyDomain

struct RecordingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recordings",
        abstract: "List a camera's cloud recordings.",
        discussion: "--from and --to are whole days (YYYY-MM-DD), both inclusive, in the camera's time zone ([device_timezones], else --timezone). Default: the last 30 days.\n\nExamples:\n  ivy-archiver recordings --device \"Front Door\"\n  ivy-archiver recordings --device 00626E8A1B01 --json \\\n      --from 2026-11-24 --to 2026-11-25"
    )

    @Option(name: .long, help: "The camera: its MAC (any notation) or its name.")
    var device: String

    @Option(name: .long, help: "First day (YYYY-MM-DD).", transform: CalendarDay.parse)
    var from: CalendarDay?

    @Option(name: .long, help: "Last day (YYYY-MM-DD).", transform: CalendarDay.parse)
    var to: CalendarDay?

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to is before --from") }
    }

    struct Row: Encodable {
        var start: Int64
        var end: Int64
        var startTime: String
        var endTime: String
        var duration: Int64
        var type: Int
        var typeName: String
    }

    func run() async throws {
        let (client, settings) = try await global.makeClient()
        let camera = try await CameraChoice.resolve(device, client: client)
        // The camera's own days and times, as backup and export read them ([device_timezones]).
        let days = CalendarDays(timeZone: CameraID(camera.macAddr).flatMap { settings.deviceTimeZones[$0] } ?? settings.timeZone)
        let firstDay = from.map(days.startOfDay)
        let lastDay = to.map(days.endOfDay)
        let now = try await client.serverNowSeconds()
        let start = firstDay ?? now - 30 * 86_400
        let end = lastDay ?? now
        guard start <= end else { throw UserError("--from is in the future") }
        let listing = try await client.recordingListing(device: camera.macAddr, from: start, to: end)
        let rows = listing.elements.map {
            Row(start: $0.start, end: $0.end, startTime: days.iso8601($0.start), endTime: days.iso8601($0.end),
                duration: $0.duration, type: $0.type.rawValue, typeName: $0.type.name)
        }
        if settings.json {
            try Output.json(rows)
        } else {
            Output.table(["START", "END", "SECONDS", "TYPE"], rows.map { [days.format($0.start), days.format($0.end), String($0.duration), $0.typeName] })
            print("\(rows.count) recording\(rows.count == 1 ? "" : "s")")
        }
        if !listing.unreadable.isEmpty {
            Output.error("\(listing.unreadable.count) recordList entr\(listing.unreadable.count == 1 ? "y" : "ies") could not be read (\(listing.unreadable[0]))")
            throw ExitCode(ExitStatus.Code.partialFailure.rawValue)
        }
    }
}

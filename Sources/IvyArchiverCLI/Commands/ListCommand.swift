import ArgumentParser
import Foundation
import IvyArchive
import IvyCloud
import IvyDomain

/// `ls`: what the archive holds, from its catalog alone.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the archive: cameras, days and clips, with what each day's recordings cover.",
        discussion: """
            No cloud call is made. Days are in each camera's time zone ([device_timezones], else \
            timezone). A day's line gives its clips, the time recorded and archived, and its gaps \
            (stretches of a minute or more with no recording); --clips lists each clip with its \
            type, state (archived, partial, failed, seen, lost, pruned), length and size. The \
            filters choose the clips listed; a day's recorded time and gaps are always the whole \
            day's, whatever its clips' types and states.

            Examples:
              ivy-archiver ls
              ivy-archiver ls --device "Front Door" --from 2026-11-01 --clips
              ivy-archiver ls --state partial --state lost --clips
              ivy-archiver ls --type motion --json | jq '.cameras[].days[].clips[].file'
            """)

    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @Option(name: .customLong("device"), help: "Only this camera (MAC or name); repeatable.") var devices: [String] = []
    @Option(name: .long, help: "First day (YYYY-MM-DD).", transform: CalendarDay.parse) var from: CalendarDay?
    @Option(name: .long, help: "Last day (YYYY-MM-DD).", transform: CalendarDay.parse) var to: CalendarDay?
    @Option(name: .customLong("type"), help: "Only clips of this type (continuous, motion, sound, human, ...); repeatable.",
            transform: ListCommand.recordType) var types: [RecordType] = []
    @Option(name: .customLong("state"), help: "Only clips in this state (\(ClipState.allCases.map(\.rawValue).joined(separator: ", "))); repeatable.",
            transform: ListCommand.clipState) var states: [ClipState] = []
    @Flag(name: .long, help: "List every clip under its day.") var clips = false
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
    }

    func run() async throws {
        let settings = try global.settings()
        let folder = try ArchiveFolder.open(try settings.archiveFolder(archive))
        var query = ArchiveListing.Query()
        query.firstDay = from?.description
        query.lastDay = to?.description
        query.types = Set(types)
        query.states = Set(states)
        var listing = try await ArchiveListing.read(folder, query: query) { settings.deviceTimeZones[$0] ?? settings.timeZone }
        if !devices.isEmpty {
            // Named as backups last saw them; cameras without clips in the query's range are
            // still known to the catalog, so a typo is told from an empty range.
            let known = try await Catalog(path: folder.catalogPath, readOnly: true).cameras()
            var chosen: Set<CameraID> = []
            for wanted in devices {
                switch CameraLookup.find(wanted, in: known, camera: \.id, name: \.name, place: "in the archive") {
                case .success(let camera): chosen.insert(camera.id)
                case .failure(let failure):
                    // A catalog from before camera names knows MACs only.
                    guard let id = CameraID(wanted), listing.cameras.contains(where: { $0.id == id }) else { throw UserError(failure.message) }
                    chosen.insert(id)
                }
            }
            listing.cameras.removeAll { !chosen.contains($0.id) }
        }
        if settings.json {
            try Output.json(ListingReport(listing, clips: true))
        } else {
            let filtered = !devices.isEmpty || from != nil || to != nil || !types.isEmpty || !states.isEmpty
            print(ListingText(listing).lines(clips: clips, filtered: filtered).joined(separator: "\n"))
        }
    }

    static func recordType(_ text: String) throws -> RecordType {
        guard let type = RecordType(name: text.lowercased()) else {
            let known = (0...12).compactMap { RecordType(rawValue: $0).name.hasPrefix("type") ? nil : RecordType(rawValue: $0).name }
            throw ArgumentRefusal(description: "'\(text)' is not a recording type; use one of \(known.joined(separator: ", ")) or typeN")
        }
        return type
    }

    static func clipState(_ text: String) throws -> ClipState {
        guard let state = ClipState(rawValue: text.lowercased()) else {
            throw ArgumentRefusal(description: "'\(text)' is not a clip state; use one of \(ClipState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return state
    }
}

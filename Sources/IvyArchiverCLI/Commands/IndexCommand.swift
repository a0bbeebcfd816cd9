import ArgumentParser
import Foundation
import IvyArchive
import IvyArchivePages

/// `index`: the archive's pages (and, for archives made before, its thumbnails) made anew.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Write the archive's pages: ARCHIVE/index.html, a page per camera and per day.",
        discussion: """
            Every backup does this by itself; run it for an archive made before, or after \
            changing time zones in the config. No cloud call is made. The pages are plain \
            HTML: open ARCHIVE/index.html in a browser, from the disk or any web server.

            Examples:
              ivy-archiver index --archive /srv/camera-archive
              xdg-open /srv/camera-archive/index.html
            """)

    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let folder = try ArchiveFolder.open(try settings.archiveFolder(archive))
        let result = try await ArchivePagesRefresh.run(folder) { settings.deviceTimeZones[$0] ?? settings.timeZone }
        if settings.json {
            try Output.json(["index": result.index, "written": "\(result.written)", "unchanged": "\(result.unchanged)", "removed": "\(result.removed)"])
        } else {
            print("\(result.written) page\(result.written == 1 ? "" : "s") written, \(result.unchanged) unchanged, \(result.removed) removed")
            print("open \(URL(fileURLWithPath: result.index).absoluteString)")
        }
    }
}

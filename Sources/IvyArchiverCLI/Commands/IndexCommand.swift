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
            changing time zones in the config. It first makes the thumbnails that are missing \
            or older than their clip (one JPEG per clip, from its first keyframe, in \
            ARCHIVE/.ivy-archiver/thumbnails) and removes those of clips no longer there. No \
            cloud call is made. The pages are plain HTML: open ARCHIVE/index.html in a \
            browser, from the disk or any web server.

            Examples:
              ivy-archiver index --archive /srv/camera-archive
              xdg-open /srv/camera-archive/index.html
            """)

    @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let folder = try ArchiveFolder.open(try settings.archiveFolder(archive))
        let display = ProgressLine(enabled: !settings.json && isatty(STDERR_FILENO) == 1)
        // Failures are reported below, a few by name: not once per clip by the library too.
        var logger = try global.makeLogger()
        logger.logLevel = max(logger.logLevel, .error)
        let (thumbnails, removed) = try await ArchiveThumbnails(folder: folder).bringUpToDate(logger: logger) { done, total in
            display.show("thumbnails \(done)/\(total)")
        }
        display.clear()
        // Drawn whatever the stamp says: thumbnails may have changed, or pages been removed by hand.
        let result = try await ArchivePagesRefresh.run(folder) { settings.deviceTimeZones[$0] ?? settings.timeZone }
        if settings.json {
            try Output.json(IndexReport(index: result.index, pagesWritten: result.written, pagesUnchanged: result.unchanged, pagesRemoved: result.removed,
                                        thumbnailsMade: thumbnails.made, thumbnailsKept: thumbnails.kept, thumbnailsRemoved: removed,
                                        thumbnailFailures: thumbnails.failed.map { "\($0.file): \($0.reason)" }))
        } else {
            thumbnails.failed.prefix(5).forEach { Output.warning("no thumbnail for \($0.file): \($0.reason)") }
            if thumbnails.failed.count > 5 { Output.warning("and \(thumbnails.failed.count - 5) more clips without a thumbnail (--json lists them all)") }
            print("thumbnails: \(thumbnails.made) made, \(thumbnails.kept) kept, \(removed) removed"
                  + (thumbnails.failed.isEmpty ? "" : ", \(thumbnails.failed.count) could not be made"))
            print("pages: \(result.written) written, \(result.unchanged) unchanged, \(result.removed) removed")
            print("open \(URL(fileURLWithPath: result.index).absoluteString)")
        }
    }
}

/// `index --json`.
struct IndexReport: Encodable {
    var index: String
    var pagesWritten: Int
    var pagesUnchanged: Int
    var pagesRemoved: Int
    var thumbnailsMade: Int
    var thumbnailsKept: Int
    var thumbnailsRemoved: Int
    var thumbnailFailures: [String]
}

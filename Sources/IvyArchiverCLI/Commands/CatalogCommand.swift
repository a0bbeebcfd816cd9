import ArgumentParser
import Foundation
import IvyArchive
import IvyDomain

/// `catalog rebuild`: the archive's catalog made anew from its files.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Repair the archive's catalog.",
        discussion: "Examples:\n  ivy-archiver catalog rebuild --archive /srv/camera-archive",
        subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild", abstract: "Rebuild the catalog from the archive's MP4 files, so that no clip is fetched again.",
            discussion: """
                Each clip is known by the identity written into it, or else by its path (the path_template \
                of the config, with the device time zones). Size, SHA-256, duration and codecs are measured \
                anew. The old catalog is kept beside the new one, renamed. No cloud call is made. Exit 0 when \
                done, 1 when some MP4 files name no recording (they are listed and left alone), 2 when the \
                archive is locked by a run or the settings are wrong.

                Examples:
                  ivy-archiver catalog rebuild --archive /srv/camera-archive
                """)

        @Option(name: .long, help: "The archive folder ($IVY_ARCHIVE, or archive in the config).") var archive: String?
        @OptionGroup(title: "Global Options") var global: GlobalOptions

        func run() async throws {
            let settings = try global.settings()
            let folder = try settings.archiveFolder(archive)
            guard FileManager.default.fileExists(atPath: folder) else { throw UserError("the archive \(folder) does not exist") }
            let layout = try ArchiveLayout(template: settings.pathTemplate ?? ArchiveLayout.defaultTemplate)
            let zones = settings.deviceTimeZones, fallback = settings.timeZone
            let display = ProgressLine(enabled: !settings.json && isatty(STDERR_FILENO) == 1)
            let report = try await CatalogRebuild.run(archive: folder, layout: layout, timeZone: { zones[$0] ?? fallback }) { done, total in
                display.show("read \(done)/\(total)")
            }
            display.clear()
            await ArchivePagesRefresh.afterChange(archive: folder, timeZone: { zones[$0] ?? fallback }, quiet: true)
            if settings.json {
                try Output.json(report)
            } else {
                report.unknown.forEach { print("UNKNOWN \($0): names no recording, left alone") }
                if let kept = report.keptAs { print("the old catalog is kept as \(kept)") }
                print("catalog rebuilt: \(report.clips) clip\(report.clips == 1 ? "" : "s")"
                    + (report.partial == 0 ? "" : ", \(report.partial) with stretches without media or shorter than recorded (partial: later runs fetch them again while the cloud has them)")
                    + (report.unknown.isEmpty ? "" : ", \(report.unknown.count) unknown file\(report.unknown.count == 1 ? "" : "s")"))
            }
            if !report.unknown.isEmpty { throw ExitCode(ExitStatus.Code.partialFailure.rawValue) }
        }
    }
}

import ArgumentParser
import Foundation
import IvyArchive

/// `init`: makes a folder an archive. Every other command refuses a folder that is not one, so
/// that a typo or an unmounted disk never turns into a silent full download somewhere new.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Make a folder an archive (backup, verify and export refuse any other folder).",
        discussion: """
            Creates the folder (and its parents) and ARCHIVE/.ivy-archiver/ with its marker; the first backup \
            adds the catalog. A folder that already holds clips becomes an archive of them: the first backup \
            catalogs them from their files instead of fetching them again. Running it on an archive changes nothing. \
            Exit 0 when the folder is an archive, 2 when it cannot be made one.

            Examples:
              ivy-archiver init --archive /srv/camera-archive
              ivy-archiver backup --archive /srv/camera-archive
            """)

    @Option(name: .long, help: "The folder to make an archive ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        let settings = try global.settings()
        let path = try settings.archiveFolder(archive)
        let (folder, existed) = try ArchiveFolder.create(at: path)
        let clips = folder.clipFiles.count
        if settings.json {
            struct Report: Encodable { var archive: String; var created: Bool; var clips: Int }
            return try Output.json(Report(archive: folder.root, created: !existed, clips: clips))
        }
        if existed {
            print("\(folder.root) is an archive already")
        } else if clips > 0 {
            print("\(folder.root) is now an archive; the first backup catalogs its \(clips) MP4 file\(clips == 1 ? "" : "s") instead of fetching them again")
        } else {
            print("created the archive \(folder.root)")
        }
    }
}

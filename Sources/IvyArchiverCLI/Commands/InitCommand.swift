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
            Exit 0 when the folder is an archive, 2 when it cannot be made one. With [[accounts]] in the config \
            and no --account, every account's archive is made.

            Examples:
              ivy-archiver init --archive /srv/camera-archive
              ivy-archiver backup --archive /srv/camera-archive
              ivy-archiver init --config /etc/ivy-archiver/config.toml
            """)

    @Option(name: .long, help: "The folder to make an archive ($IVY_ARCHIVE, or archive in the config).") var archive: String?
    @OptionGroup(title: "Global Options") var global: GlobalOptions

    struct Report: Encodable {
        var account: String?
        var archive: String
        var created: Bool
        var clips: Int
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // Every account's archive, when the config has entries and none is named.
        if global.accounts.isEmpty, archive == nil, try Settings.loadFile(options: global, environment: environment).accounts.count > 1 {
            let all = try Settings.resolveAll(options: global, environment: environment, shard: nil)
            var reports: [Report] = []
            for settings in all {
                let report = try make(try settings.archiveFolder(nil), account: settings.account?.rawValue, json: global.json)
                reports.append(report)
            }
            if global.json { try Output.json(reports) }
            return
        }
        let settings = try global.settings()
        let report = try make(try settings.archiveFolder(archive), account: nil, json: settings.json)
        if settings.json { try Output.json(report) }
    }

    private func make(_ path: String, account: String?, json: Bool) throws -> Report {
        let (folder, existed) = try ArchiveFolder.create(at: path)
        let clips = folder.clipFiles.count
        let report = Report(account: account, archive: folder.root, created: !existed, clips: clips)
        if json { return report }
        if let account { print("\(account): ", terminator: "") }
        if existed {
            print("\(folder.root) is an archive already")
        } else if clips > 0 {
            print("\(folder.root) is now an archive; the first backup catalogs its \(clips) MP4 file\(clips == 1 ? "" : "s") instead of fetching them again")
        } else {
            print("created the archive \(folder.root)")
        }
        return report
    }
}

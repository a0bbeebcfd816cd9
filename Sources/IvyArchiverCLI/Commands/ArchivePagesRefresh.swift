import Foundation
import IvyArchive
import IvyArchivePages
import IvyDomain

/// The archive's pages brought up to date from its catalog: after each backup, and by `index`.
enum ArchivePagesRefresh {
    /// - Throws: `CatalogError`, `PagesError`, file system errors.
    static func run(_ folder: ArchiveFolder, timeZone: @escaping (CameraID) -> TimeZone) async throws -> ArchivePages.Result {
        let listing = try await ArchiveListing.read(folder, timeZone: timeZone)
        let version = BuildInfo.commit == "unknown" ? BuildInfo.version : "\(BuildInfo.version) (commit \(BuildInfo.commit))"
        return try ArchivePages(folder: folder, toolVersion: version).write(listing)
    }

    /// After a backup: a page that cannot be written is a warning, never the run's failure.
    static func afterBackup(archive: String, options: Backup.Options, quiet: Bool) async {
        await afterChange(archive: archive, timeZone: options.timeZone(of:), quiet: quiet)
    }

    /// After a command changed the catalog (a backup, a save, a rebuild).
    static func afterChange(archive: String, timeZone: @escaping (CameraID) -> TimeZone, quiet: Bool) async {
        do {
            let folder = try ArchiveFolder.open(archive)
            let result = try await run(folder, timeZone: timeZone)
            if !quiet, result.written > 0 { Output.line("archive pages: \(result.index)") }
        } catch {
            Output.warning("the archive's pages were not updated: \(error)")
        }
    }
}

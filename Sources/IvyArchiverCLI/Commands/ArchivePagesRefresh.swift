import Foundation
import IvyArchive
import IvyArchivePages
import IvyDomain

/// The archive's pages brought up to date from its catalog: after each backup, and by `index`.
enum ArchivePagesRefresh {
    /// Draws the pages from the catalog, whatever they hold.
    ///
    /// - Throws: `CatalogError`, `PagesError`, file system errors.
    static func run(_ folder: ArchiveFolder, timeZone: @escaping (CameraID) -> TimeZone) async throws -> ArchivePages.Result {
        let (pages, stamp) = try await stamped(folder, timeZone: timeZone)
        return try pages.write(try await ArchiveListing.read(folder, timeZone: timeZone), stamp: stamp)
    }

    /// Draws the pages only when the catalog (or the zones, or the tool) changed since they
    /// were last drawn in full; `nil` when it had not.
    static func runIfChanged(_ folder: ArchiveFolder, timeZone: @escaping (CameraID) -> TimeZone) async throws -> ArchivePages.Result? {
        let (pages, stamp) = try await stamped(folder, timeZone: timeZone)
        if let stamp, pages.areDrawn(from: stamp) { return nil }
        return try pages.write(try await ArchiveListing.read(folder, timeZone: timeZone), stamp: stamp)
    }

    /// The pages, and the stamp of the catalog as it is now (`nil` for a catalog too old to
    /// have a generation). Read before the listing: a change in between leaves a stamp older
    /// than the pages, which the next run redraws, never the other way round.
    private static func stamped(_ folder: ArchiveFolder, timeZone: (CameraID) -> TimeZone) async throws -> (ArchivePages, String?) {
        let version = BuildInfo.commit == "unknown" ? BuildInfo.version : "\(BuildInfo.version) (commit \(BuildInfo.commit))"
        let pages = ArchivePages(folder: folder, toolVersion: version)
        let catalog = try Catalog(path: folder.catalogPath, readOnly: true)
        guard let generation = try await catalog.generation() else { return (pages, nil) }
        let zones = Dictionary(try await catalog.cameras().map { ($0.id, timeZone($0.id)) }, uniquingKeysWith: { first, _ in first })
        return (pages, pages.stamp(generation: generation, zones: zones))
    }

    /// After a backup: a page that cannot be written is a warning, never the run's failure.
    static func afterBackup(archive: String, options: Backup.Options, quiet: Bool) async {
        await afterChange(archive: archive, timeZone: options.timeZone(of:), quiet: quiet)
    }

    /// After a command that may have changed the catalog (a backup, a save, a rebuild): the
    /// pages are drawn again only when it did, so that a nightly run that found nothing new
    /// over a year of clips neither reads nor writes a year of pages.
    static func afterChange(archive: String, timeZone: @escaping (CameraID) -> TimeZone, quiet: Bool) async {
        do {
            let folder = try ArchiveFolder.open(archive)
            let result = try await runIfChanged(folder, timeZone: timeZone)
            if !quiet, let result, result.written > 0 { Output.line("archive pages: \(result.index)") }
        } catch {
            Output.warning("the archive's pages were not updated: \(error)")
        }
    }
}

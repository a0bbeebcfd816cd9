import Foundation
public import Logging

extension ArchiveThumbnails {
    /// Every thumbnail of the archive brought in line with its catalog, under the archive's
    /// lock (a backup running meanwhile is refused, not raced): the missing or stale ones of
    /// archived and partial clips made, and those of clips no longer in the archive removed.
    ///
    /// - Returns: what `ensure` did, and how many thumbnails were removed.
    /// - Throws: `BackupError.locked` while another run uses the archive, `CatalogError`,
    ///   `CancellationError`.
    public func bringUpToDate(logger: Logger, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> (report: Report, removed: Int) {
        try FileManager.default.createDirectory(atPath: folder.state, withIntermediateDirectories: true)
        let lock = try ArchiveLock(path: folder.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let files = try await Catalog(path: folder.catalogPath, readOnly: true).archived().compactMap(\.file)
        let report = try await ensure(clips: files, logger: logger, progress: progress)
        let wanted = Set(files.map { path(forClipFile: $0) })
        var removed = 0
        for relative in FileManager.default.subpaths(atPath: folder.thumbnails) ?? [] where relative.hasSuffix(".jpg") {
            let path = folder.thumbnails + "/" + relative
            guard !wanted.contains(path) else { continue }
            try? FileManager.default.removeItem(atPath: path)
            removed += 1
        }
        // Folders the removals emptied, deepest first.
        for relative in (FileManager.default.subpaths(atPath: folder.thumbnails) ?? []).sorted(by: >) {
            let path = folder.thumbnails + "/" + relative
            if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { try? FileManager.default.removeItem(atPath: path) }
        }
        return (report, removed)
    }
}

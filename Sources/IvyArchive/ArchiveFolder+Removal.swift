public import Foundation

/// Deleting archived files, for `keep_days` and for `keep_local_days` alike: the clip's file,
/// its thumbnail, and the folders this leaves empty. The catalog is the caller's to update.
extension ArchiveFolder {
    /// Deletes the clip file at `file` (relative to the root), its thumbnail and the folders
    /// this empties. A file already gone is no error.
    ///
    /// - Throws: the file system's error when the file exists and cannot be deleted.
    public func removeClip(file: String) throws {
        let path = root + "/" + file
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        ArchiveThumbnails(folder: self).remove(clipFile: file)
        var folder = (path as NSString).deletingLastPathComponent
        while folder.hasPrefix(root + "/"), (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// Where "older than `keepDays` days" starts for a camera in `timeZone`: the first instant
    /// (Unix seconds) of the day `keepDays` days before `now`'s day there. Clips starting before
    /// it are old enough to delete.
    ///
    /// - Throws: `BackupError.archive` when the calendar cannot count that far back.
    public static func keepCutoff(keepDays: Int, now: Int64, timeZone: TimeZone) throws -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: Date(timeIntervalSince1970: Double(now)))
        guard let first = calendar.date(byAdding: .day, value: -keepDays, to: today) else {
            throw BackupError.archive("cannot count \(keepDays) days back")
        }
        return Int64(first.timeIntervalSince1970)
    }
}

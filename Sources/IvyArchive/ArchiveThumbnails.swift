import Foundation
import IvyConcurrency
import IvyMedia
public import Logging

/// Each clip's thumbnail (a small JPEG of its first picture, `IvyMedia.Thumbnail`), kept beside
/// the catalog: `ARCHIVE/.ivy-archiver/thumbnails/<the clip's path, .mp4 replaced by .jpg>`.
/// The same relative path as the clip, so that a page in the archive links it with a relative
/// path and two cameras (or a renamed camera folder) never share one. A thumbnail is a
/// convenience: failing to make one never fails its clip.
public struct ArchiveThumbnails: Sendable {
    public let folder: ArchiveFolder
    /// Pixels across (the height keeps the clip's display aspect ratio).
    public var width = Thumbnail.defaultWidth

    public init(folder: ArchiveFolder) {
        self.folder = folder
    }

    /// The thumbnail of the clip at `relative` (relative to the archive root, as the catalog
    /// holds it), relative to the archive root: `.ivy-archiver/thumbnails/Cam_MAC/2026-11-25/clip.jpg`.
    public func relativePath(forClipFile relative: String) -> String {
        let base = folder.thumbnails.dropFirst(folder.root.count + 1)
        // Only `.mp4` is replaced: `a.mov` and `a.mp4` must not share `a.jpg`.
        let name = relative.hasSuffix(".mp4") ? String(relative.dropLast(4)) : relative
        return base + "/" + name + ".jpg"
    }

    /// The thumbnail of the clip at `relative`, as an absolute path.
    public func path(forClipFile relative: String) -> String {
        folder.root + "/" + relativePath(forClipFile: relative)
    }

    /// What `ensure` did.
    public struct Report: Sendable, Equatable {
        /// Thumbnails written.
        public var made = 0
        /// Thumbnails already there and no older than their clip.
        public var kept = 0
        /// Clips that got none, with why (no video, nothing decodes, the file is gone).
        public var failed: [Failure] = []

        public struct Failure: Sendable, Equatable {
            /// The clip, relative to the archive root.
            public var file: String
            public var reason: String
        }
    }

    /// Clips (relative to the archive root) at once: decoding one keyframe is short, and the
    /// machine may be busy with a backup's downloads.
    static let concurrency = 2

    /// Makes the thumbnails of `clips` (paths relative to the archive root) that are missing
    /// or older than their clip file (a partial clip replaced by a whole one), two at a time.
    /// A clip whose thumbnail cannot be made is logged as a warning and reported in `failed`;
    /// the others go on. `progress` is told (done, total) after each clip.
    ///
    /// - Throws: `CancellationError` when the task is cancelled (no further clip starts; the
    ///   ones under way stop and write nothing).
    public func ensure(clips: [String], logger: Logger, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> Report {
        // Where each JPEG is written first; without it, each clip fails and says why.
        try? FileManager.default.createDirectory(atPath: folder.temporary, withIntermediateDirectories: true)
        var report = Report()
        var done = 0
        try await BoundedConcurrency.forEach(clips, limit: Self.concurrency) { file in
            try await outcome(file)
        } handle: { index, outcome in
            switch outcome {
            case .made: report.made += 1
            case .kept: report.kept += 1
            case .failed(let reason):
                logger.warning("no thumbnail for a clip", metadata: ["file": "\(clips[index])", "reason": "\(reason)"])
                report.failed.append(.init(file: clips[index], reason: reason))
            }
            done += 1
            progress(done, clips.count)
        }
        return report
    }

    private enum Outcome: Sendable {
        case made, kept
        case failed(String)
    }

    private func outcome(_ file: String) async throws -> Outcome {
        guard !file.split(separator: "/").contains("..") else { return .failed("the path leads out of the archive") }
        guard let clipChanged = Self.modificationDate(folder.root + "/" + file) else { return .failed("the clip file is missing") }
        // An empty file is what a full disk or a crash leaves: made again.
        let thumbnail = (try? FileManager.default.attributesOfItem(atPath: path(forClipFile: file))) ?? [:]
        if let thumbnailChanged = thumbnail[.modificationDate] as? Date, thumbnailChanged >= clipChanged,
           (thumbnail[.size] as? NSNumber)?.int64Value ?? 0 > 0 { return .kept }
        do {
            try await make(clipFile: file)
            return .made
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return .failed("\(error)")
        }
    }

    /// Makes (or remakes) the thumbnail of the clip at `relative`, atomically (a temporary
    /// file in the archive's `.ivy-archiver/tmp`, renamed into place).
    ///
    /// - Throws: `ThumbnailError`, `MediaError`, `CancellationError`.
    public func make(clipFile relative: String) async throws {
        _ = try await Thumbnail.make(of: folder.root + "/" + relative, to: path(forClipFile: relative), width: width,
                                     temporaryDirectory: folder.temporary)
    }

    /// `make`, for a clip just archived: a failure is logged as a warning, never thrown
    /// (cancelled, it stops quietly; the next `ensure` makes what is missing).
    func refresh(clipFile relative: String, logger: Logger) async {
        do {
            try await make(clipFile: relative)
        } catch is CancellationError {
        } catch {
            logger.warning("no thumbnail for a clip", metadata: ["file": "\(relative)", "reason": "\(error)"])
        }
    }

    /// Removes the thumbnail of the clip at `relative` (pruned, deleted), and the folders of
    /// thumbnails this leaves empty.
    public func remove(clipFile relative: String) {
        let thumbnail = path(forClipFile: relative)
        try? FileManager.default.removeItem(atPath: thumbnail)
        var parent = (thumbnail as NSString).deletingLastPathComponent
        while parent.hasPrefix(folder.thumbnails + "/"), (try? FileManager.default.contentsOfDirectory(atPath: parent))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: parent)
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

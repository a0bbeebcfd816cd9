public import Foundation
import IvyCloud
import IvyMedia
public import IvyDomain
import IvyConcurrency

/// Makes the catalog anew from the archive's files, so that no clip is fetched again after
/// the catalog was lost or damaged: each MP4's identity from its `comment`
/// (`ClipIdentity`), else from its path (`ArchiveLayout.identity(of:)`); its size, SHA-256,
/// duration and codecs measured. A damaged or empty catalog is kept beside, renamed, never
/// deleted. A clip shorter than its recording by more than a segment comes back `partial`, so
/// that later runs try it again while the cloud has it.
public enum CatalogRebuild {
    public struct Report: Sendable, Codable {
        public var clips = 0
        public var partial = 0
        /// MP4 files that name no recording (exports, files put there by hand): left alone.
        public var unknown: [String] = []
        /// Where the old catalog went, when there was one.
        public var keptAs: String?
    }

    /// Takes the archive's lock, then rebuilds. Throws `BackupError.locked` while a run is on.
    public static func run(archive: String, layout: ArchiveLayout, timeZone: @escaping @Sendable (CameraID) -> TimeZone,
                           progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let root = (archive as NSString).standardizingPath
        // A folder of clips whose `.ivy-archiver/` was lost is an archive to recover: it becomes
        // one again. A folder that is not there is a typo or an unmounted disk.
        guard FileManager.default.fileExists(atPath: root) else { throw ArchiveFolderError.missing(root) }
        let folder = try ArchiveFolder.create(at: root).folder
        let lock = try ArchiveLock(path: folder.lockPath)
        defer { withExtendedLifetime(lock) {} }
        return try await rebuild(root: root, layout: layout, timeZone: timeZone, progress: progress)
    }

    /// A catalog made from the files in a temporary folder (removed with it), leaving the
    /// archive untouched: what a dry run plans against when the archive's catalog is lost.
    static func privateCatalog(root: String, layout: ArchiveLayout, timeZone: (CameraID) -> TimeZone) async throws -> Catalog {
        let scratch = NSTemporaryDirectory() + "/ivy-rebuild-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = try await fill(scratch + "/catalog.sqlite", root: root, layout: layout, timeZone: timeZone) { _, _ in }
        return try Catalog.privateCopy(of: scratch + "/catalog.sqlite")
    }

    /// The MP4 files under `root`, relative to it, outside the tool's own folder and hidden files.
    static func clipFiles(root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            if name.hasSuffix(".mp4") { files.append(path) }
        }
        return files.sorted()
    }

    /// Whether a catalog at `path` is as good as none (missing or empty) while `root` holds clips:
    /// such an archive needs a rebuild, not a first run that fetches everything again.
    static func needsRebuild(catalog path: String, root: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
        guard size == nil || size == 0 else { return false }
        return !clipFiles(root: root).isEmpty
    }

    /// The work, with the lock held by the caller. The new catalog is made under another
    /// name and takes the catalog's place only when complete: an interrupted rebuild leaves the
    /// old catalog where it was, never a half-made one that would leave clips unchecked.
    static func rebuild(root: String, layout: ArchiveLayout, timeZone: (CameraID) -> TimeZone,
                        progress: (Int, Int) -> Void) async throws -> Report {
        let folder = ArchiveFolder(root: root)
        let path = folder.catalogPath
        let building = folder.state + "/catalog.rebuilding.sqlite"
        let suffixes = ["", "-wal", "-shm", "-journal"]
        func remove(_ base: String) { for suffix in suffixes { try? FileManager.default.removeItem(atPath: base + suffix) } }
        remove(building)
        var report: Report
        do {
            report = try await fill(building, root: root, layout: layout, timeZone: timeZone, progress: progress)
        } catch {
            remove(building)
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
        if size == 0 {
            // An empty file holds nothing worth keeping.
            remove(path)
        } else if size != nil {
            let stamp = RecordingTime(unix: Date().timeIntervalSince1970).iso8601().replacingOccurrences(of: ":", with: "")
            var kept = path + ".old-" + stamp
            // Two rebuilds in one second: the second keeps its predecessor under another name.
            var number = 1
            while FileManager.default.fileExists(atPath: kept) {
                number += 1
                kept = path + ".old-" + stamp + "-\(number)"
            }
            report.keptAs = kept
            for suffix in suffixes where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: kept + suffix)
            }
        }
        try await FileSync.rename(building, to: path)
        return report
    }

    /// Makes a catalog at `path` from the archive's files; it is closed (its WAL merged) on return.
    private static func fill(_ path: String, root: String, layout: ArchiveLayout, timeZone: (CameraID) -> TimeZone,
                             progress: (Int, Int) -> Void) async throws -> Report {
        var report = Report()
        let catalog = try Catalog(path: path)
        let files = clipFiles(root: root)
        for (index, file) in files.enumerated() {
            try Task.checkCancellation()
            progress(index + 1, files.count)
            let full = root + "/" + file
            guard let info = try await valueUnlessCancelled({ try await MediaInfo.probe(path: full) }),
                  let identity = info.tags["comment"].flatMap(ClipIdentity.init(comment:)) ?? layout.identity(of: file, timeZone: timeZone)
            else {
                report.unknown.append(file)
                continue
            }
            let size = (try FileManager.default.attributesOfItem(atPath: full)[.size] as? Int64) ?? 0
            let duration = info.duration ?? 0
            let expected = Double(identity.recording.duration)
            // Stretches without media inside the file: whether the camera recorded nothing
            // there (EXT-X-GAP) or the cloud did not give a segment, the file cannot say. Taken
            // as missing, so the next backup fetches the clip again while the cloud has it (and
            // a whole copy, or the same gaps now named, replaces this one): never a clip with a
            // hole taken for whole.
            var holes = try await valueUnlessCancelled({ try await MediaInfo.holes(path: full) })?.map { hole in
                ClipHole(start: hole.start, duration: hole.duration, sequence: -1,
                         unavailableReason: "no media here in the file, and the catalog was rebuilt: a gap or a missing segment")
            } ?? []
            if expected - duration > Verify.durationTolerance {
                holes.append(ClipHole(start: duration, duration: expected - duration, sequence: -1,
                                      unavailableReason: "shorter than its recording when the catalog was rebuilt"))
            }
            if !holes.isEmpty { report.partial += 1 }
            let codecs = CodecPair(video: info.streams.first { $0.kind == .video }?.codec, audio: info.streams.first { $0.kind == .audio }?.codec)
            try await catalog.noteSeen(identity.camera, recordings: [identity.recording])
            if !identity.deviceName.isEmpty { try await catalog.noteCamera(identity.camera, name: identity.deviceName) }
            try await catalog.markArchived(ClipKey(camera: identity.camera, start: identity.recording.start), file: file, size: size,
                                           sha256: try await FileDigest.sha256(path: full), duration: duration, codecs: codecs, holes: holes)
            report.clips += 1
        }
        try catalog.close()
        return report
    }
}

import Crypto
public import Foundation
public import IvyArchive
import IvyCloud
import IvyDomain
public import IvySandbox

/// An archive that holds every clip a sandbox lists, as if each had been backed up, made
/// without fetching one: the catalog through `Catalog`'s own API (a batch per transaction), a
/// small placeholder file per clip (and per thumbnail) where the layout puts it, and a complete
/// walk recorded, so that the next `backup` is the ordinary nightly run. Benches and tests of
/// a rerun over a year of clips start from it; the files are no media (`verify` would say so).
public enum SyntheticArchive {
    public struct Options: Sendable {
        /// The archive's folder; made when missing.
        public var archive: String
        /// The sandbox whose clips the archive holds: its account and seed, and its `anchor`
        /// (which must be set: the clips of a sandbox that starts later must be the same).
        public var sandbox: SandboxConfiguration
        /// Days and times of paths, for every camera.
        public var timeZone: TimeZone
        public var layout: ArchiveLayout
        /// Where the recorded complete walk ended, server Unix seconds: the next default run
        /// lists from there, less its overlap.
        public var walkedUntil: Int64
        /// Clips written to the catalog per transaction.
        public var batchSize = 2000
        /// A placeholder thumbnail beside each clip, as after a backup (so that `index` finds
        /// them all up to date and only draws the pages).
        public var thumbnails = true

        public init(archive: String, sandbox: SandboxConfiguration, timeZone: TimeZone, layout: ArchiveLayout, walkedUntil: Int64) {
            self.archive = archive
            self.sandbox = sandbox
            self.timeZone = timeZone
            self.layout = layout
            self.walkedUntil = walkedUntil
        }
    }

    /// What `build` made.
    public struct Report: Sendable, Equatable {
        public var cameras = 0
        public var clips = 0
        /// Bytes of the placeholder clip files.
        public var bytes: Int64 = 0
    }

    /// The sandbox has no fixed anchor: another process's sandbox would list other clips.
    public struct MissingAnchor: Error, CustomStringConvertible {
        public var description: String { "the sandbox configuration needs a fixed anchor, so that the sandbox lists the same clips" }
    }

    /// Makes the archive. `progress` is told (clips done, clips in all) after each batch.
    ///
    /// - Throws: `MissingAnchor`, `ArchiveFolderError`, `CatalogError`, file system errors.
    public static func build(_ options: Options, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> Report {
        guard let anchor = options.sandbox.anchor else { throw MissingAnchor() }
        let folder = try ArchiveFolder.create(at: options.archive).folder
        let catalog = try Catalog(path: folder.catalogPath)
        let thumbnails = ArchiveThumbnails(folder: folder)
        let cameras = zip(options.sandbox.account.devices, options.sandbox.recordings(anchor: anchor))
        let total = cameras.reduce(0) { $0 + $1.1.count }
        var report = Report()
        var folders = Set<String>()
        var run = try await catalog.beginRun(at: Date())
        for (device, clips) in cameras {
            guard let camera = CameraID(device.mac) else { continue }
            try await catalog.noteCamera(camera, name: device.name)
            let recordings = clips.map { Recording(start: $0.start, end: $0.end, type: RecordType(rawValue: $0.type)) }
            for start in stride(from: 0, to: recordings.count, by: max(1, options.batchSize)) {
                let batch = Array(recordings[start..<min(recordings.count, start + max(1, options.batchSize))])
                try await catalog.noteSeen(camera, recordings: batch)
                var archivals: [Catalog.Archival] = []
                for recording in batch {
                    let file = options.layout.relativePath(deviceName: device.name, camera: camera, recording: recording, timeZone: options.timeZone)
                    let bytes = Data("placeholder of clip \(camera.mac) \(recording.start)-\(recording.end), no media\n".utf8)
                    try write(bytes, to: folder.root + "/" + file, folders: &folders)
                    if options.thumbnails {
                        // Written after its clip: no older than it, so `index` keeps it.
                        try write(Data("placeholder thumbnail\n".utf8), to: thumbnails.path(forClipFile: file), folders: &folders)
                    }
                    let digest = hex(SHA256.hash(data: bytes))
                    archivals.append(Catalog.Archival(key: ClipKey(camera: camera, start: recording.start), file: file, size: Int64(bytes.count),
                                                      sha256: digest, duration: Double(recording.duration), codecs: codecs(of: device.profile)))
                    report.bytes += Int64(bytes.count)
                }
                try await catalog.markArchived(archivals)
                report.clips += batch.count
                progress(report.clips, total)
            }
            report.cameras += 1
        }
        run.result = .ok
        run.complete = true
        run.archived = report.clips
        run.bytes = report.bytes
        run.windowFrom = cameras.compactMap { $0.1.first?.start }.min() ?? options.walkedUntil
        run.windowTo = options.walkedUntil
        try await catalog.finishRun(run, at: Date())
        return report
    }

    /// What a camera of `profile` is archived as (FFmpeg's codec names).
    static func codecs(of profile: MediaProfile) -> CodecPair {
        CodecPair(video: profile.codec == .hevc ? "hevc" : "h264", audio: profile.audio ? "aac" : nil)
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    private static func write(_ data: Data, to path: String, folders: inout Set<String>) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if folders.insert(parent).inserted {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        // Not `Data.write`, which syncs each file to the disk: 100,000 placeholders would take
        // minutes, and a bench's fixture needs no durability.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FixtureWriteError(path: path, errno: errno) }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else { throw FixtureWriteError(path: path, errno: errno) }
    }
}

/// A placeholder file could not be written.
public struct FixtureWriteError: Error, CustomStringConvertible {
    public let path: String
    public let errno: Int32
    public var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}

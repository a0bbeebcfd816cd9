import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import IvyShip
import IvyTestSupport
import Logging

/// Archives for the shipping tests, made through the catalog's API: each clip a file of
/// random bytes (shipping never opens the media), archived with its real size and SHA-256.
enum ShipFixture {
    static let camera = CameraID("00626E00CC01")!
    /// 2026-11-01 00:00 UTC.
    static let day: Int64 = 1_793_491_200
    static let utc = TimeZone(identifier: "UTC")!

    /// An archive holding `count` archived clips of `camera`, an hour apart from `start`.
    static func archive(clips count: Int, start: Int64 = day) async throws -> ArchiveFolder {
        let folder = try ArchiveFolder.create(at: try makeTemporaryDirectory()).folder
        for index in 0..<count {
            try await archiveClip(in: folder, start: start + Int64(index) * 3600, bytes: 50_000 + index * 1_000)
        }
        return folder
    }

    /// Lists and archives (again) the clip starting at `start` with `bytes` random bytes;
    /// `partial` archives it with a hole. Returns its file, relative to the root.
    @discardableResult
    static func archiveClip(in folder: ArchiveFolder, start: Int64, bytes: Int, partial: Bool = false) async throws -> String {
        let catalog = try Catalog(path: folder.catalogPath)
        try await catalog.noteSeen(camera, recordings: [Recording(start: start, end: start + 60, type: .motion)])
        let file = "Yard_\(camera.mac)/\(Date(timeIntervalSince1970: Double(start)).formatted(.iso8601.year().month().day()))/\(start)_motion.mp4"
        let path = folder.root + "/" + file
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255) })
        try data.write(to: URL(fileURLWithPath: path))
        let holes = partial ? [ClipHole(start: 10, duration: 4, sequence: 2, unavailableReason: "HTTP 404")] : []
        try await catalog.markArchived(ClipKey(camera: camera, start: start), file: file, size: Int64(bytes),
                                       sha256: try await FileDigest.sha256(path: path), duration: 60,
                                       codecs: CodecPair(video: "h264", audio: nil), holes: holes)
        return file
    }

    /// A `:local:` remote in a new folder: the spec and the folder.
    static func localRemote() throws -> (spec: String, folder: String) {
        let folder = try makeTemporaryDirectory() + "/remote"
        return (":local:" + folder, folder)
    }

    static func destination(_ spec: String, executable: String? = nil, retries: Int = 3, logger: Logger = quietLogger) throws -> RcloneDestination {
        var configuration = RcloneDestination.Configuration(remote: spec)
        configuration.executable = executable
        configuration.retries = retries
        configuration.lowLevelRetries = retries
        return try RcloneDestination(configuration, logger: logger)
    }

    /// Whether the file at `remote` holds the bytes of the archive's `file`: read from disk,
    /// not through our code.
    static func sameBytes(_ folder: ArchiveFolder, _ file: String, remote: String) -> Bool {
        FileManager.default.contentsEqual(atPath: folder.root + "/" + file, andPath: remote + "/" + file)
    }

    static func clips(_ folder: ArchiveFolder) async throws -> [Catalog.Clip] {
        try await Catalog(path: folder.catalogPath).clips(of: [])
    }
}

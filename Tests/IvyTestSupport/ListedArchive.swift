public import Foundation
public import IvyArchive
import IvyCloud
public import IvyDomain

/// An archive whose catalog holds clips in every state, made without a cloud: for the
/// listing's and the pages' tests. Camera `yard` (its days in New York) has, on the 25-hour
/// 2026-11-01, a continuous clip with a motion event inside it and a 20 s `EXT-X-GAP` 5 min
/// in, a partial clip with a 60 s hole, a lost, a failed, a seen and a pruned clip, and one running past midnight; on
/// 2026-11-02 a sound clip. Camera `gate`, never named, has one clip only listed.
public enum ListedArchive {
    public static let yard = CameraID("00626E00AA01")!
    public static let gate = CameraID("00626E00AA02")!
    public static let newYork = TimeZone(identifier: "America/New_York")!

    /// 2026-11-01 is 25 hours long in New York (DST ends at 02:00): it starts 04:00 UTC.
    public static let longDay: Int64 = 1_793_505_600
    /// 2026-11-02 starts 05:00 UTC, 25 h later.
    public static let nextDay: Int64 = longDay + 90_000

    public static func make(cameraName: String = "Yard") async throws -> ArchiveFolder {
        let root = try makeTemporaryDirectory()
        let folder = try ArchiveFolder.create(at: root).folder
        let catalog = try Catalog(path: folder.catalogPath)
        try await catalog.noteCamera(Self.yard, name: cameraName)
        let day = Self.longDay
        // 01:00-01:10 continuous (archived), a motion event inside it, 03:00-03:10 partial with a
        // 60 s hole, 05:00 lost, 06:00 failed, 07:00 seen, 08:00 pruned, and 23:55 running 10 min
        // past midnight into the next day.
        let recordings: [(Int64, Int64, RecordType, ClipState)] = [
            (day + 3600, day + 4200, .continuous, .archived),
            (day + 3700, day + 3760, .motion, .archived),
            (day + 3 * 3600, day + 3 * 3600 + 600, .continuous, .partial),
            (day + 5 * 3600, day + 5 * 3600 + 30, .motion, .lost),
            (day + 6 * 3600, day + 6 * 3600 + 30, .human, .failed),
            (day + 7 * 3600, day + 7 * 3600 + 30, .sound, .seen),
            (day + 8 * 3600, day + 8 * 3600 + 30, .motion, .pruned),
            (Self.nextDay - 300, Self.nextDay + 300, .continuous, .archived),
            (Self.nextDay + 3600, Self.nextDay + 3630, .sound, .archived),
        ]
        try await catalog.noteSeen(Self.yard, recordings: recordings.map { Recording(start: $0.0, end: $0.1, type: $0.2) })
        for (start, end, _, state) in recordings {
            let key = ClipKey(camera: Self.yard, start: start)
            switch state {
            case .archived, .partial, .pruned:
                // A file of the clip's name, for links to resolve; not media.
                try FileManager.default.createDirectory(atPath: root + "/Yard", withIntermediateDirectories: true)
                if state != .pruned { _ = FileManager.default.createFile(atPath: root + "/Yard/\(start).mp4", contents: Data(count: 1000)) }
                // The partial clip misses a minute; the first continuous clip has 20 s the
                // camera recorded nothing in (EXT-X-GAP), 5 min in.
                let holes = state == .partial ? [ClipHole(start: 120, duration: 60, sequence: 30, unavailableReason: "HTTP 404")]
                    : start == day + 3600 ? [ClipHole(start: 300, duration: 20, sequence: 75, unavailableReason: nil)] : []
                try await catalog.markArchived(key, file: "Yard/\(start).mp4", size: 1000, sha256: "00", duration: Double(end - start),
                                               codecs: CodecPair(video: "h264", audio: nil), sourceURL: nil, holes: holes)
                if state == .pruned { try await catalog.mark(.pruned, key) }
            case .failed: try await catalog.markFailed(key, error: "HTTP 503")
            case .lost: try await catalog.mark(.lost, key)
            case .seen: break
            }
        }
        try await catalog.noteSeen(Self.gate, recordings: [Recording(start: day + 100, end: day + 130, type: .motion)])
        return folder
    }

    /// The listing, read a month after the clips (so no day is "today").
    public static func listing(_ folder: ArchiveFolder, _ query: ArchiveListing.Query = .init()) async throws -> ArchiveListing {
        try await ArchiveListing.read(folder, query: query, now: Date(timeIntervalSince1970: Double(nextDay + 86_400 * 30))) { _ in newYork }
    }
}

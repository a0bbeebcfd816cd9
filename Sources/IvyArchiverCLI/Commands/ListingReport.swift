import Foundation
import IvyArchive
import IvyCloud
import IvyDomain

/// `ls --json`: the listing with times in ISO 8601 with the camera's offset, lengths in
/// seconds, sizes in bytes.
struct ListingReport: Encodable {
    struct Camera: Encodable {
        var mac: String
        var name: String
        var timeZone: String
        var clips: Int
        var bytes: Int64
        var days: [Day]
    }

    struct Day: Encodable {
        var date: String
        var clips: [Clip]
        var bytes: Int64
        /// Seconds.
        var recorded: Double
        var archived: Double
        var gaps: [Gap]
        var states: [String: Int]
    }

    struct Gap: Encodable {
        var start: String
        var end: String
        var seconds: Double
        /// For a clip's hole: why the archive has no media there (the cloud did not give the
        /// segment); `nil` where the recording itself has none (`EXT-X-GAP`).
        var missing: String?
    }

    struct Clip: Encodable {
        var start: String
        var end: String
        var type: String
        var state: String
        var seconds: Double?
        var bytes: Int64?
        var file: String?
        var sha256: String?
        var video: String?
        var audio: String?
        var holes: [Gap]?
        var lastError: String?
    }

    var cameras: [Camera]

    init(_ listing: ArchiveListing, clips: Bool) {
        cameras = listing.cameras.map { camera in
            let zone = camera.timeZone
            func time(_ unix: Double) -> String { RecordingTime(unix: unix).iso8601(in: zone) }
            return Camera(mac: camera.id.description, name: camera.name, timeZone: zone.identifier, clips: camera.clipCount, bytes: camera.bytes,
                          days: camera.days.map { day in
                Day(date: day.date, clips: day.clips.map { clip in
                    let held = ClipState.withFile.contains(clip.state)
                    return Clip(start: time(Double(clip.start)), end: time(Double(clip.end)), type: RecordType(rawValue: clip.type).name,
                                state: clip.state.rawValue, seconds: clip.duration ?? Double(clip.end - clip.start), bytes: held ? clip.size : nil,
                                file: held ? clip.file : nil, sha256: held ? clip.sha256 : nil, video: clip.codecs?.video, audio: clip.codecs?.audio,
                                holes: clip.holes.isEmpty ? nil : clip.holes.map { hole in
                                    Gap(start: time(Double(clip.start) + hole.start), end: time(Double(clip.start) + hole.start + hole.duration),
                                        seconds: hole.duration, missing: hole.unavailableReason)
                                },
                                lastError: clip.state == .failed ? clip.lastError : nil)
                }, bytes: day.bytes, recorded: day.coverage.recorded, archived: day.coverage.archived,
                    gaps: day.coverage.gaps.map { Gap(start: time($0.start), end: time($0.end), seconds: $0.duration) },
                    states: Dictionary(grouping: day.clips, by: \.state.rawValue).mapValues(\.count))
            })
        }
    }
}

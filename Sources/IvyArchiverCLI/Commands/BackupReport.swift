import Foundation
import IvyArchive
import IvyDomain

/// `backup --json`: what was archived, what failed and why, times in ISO 8601 with the
/// camera's offset (each camera's own zone).
struct BackupReport: Encodable {
    struct Clip: Encodable {
        var camera: String
        var start: String
        var path: String
        var bytes: Int64
    }

    struct Failure: Encodable {
        /// `nil` for the account's device list.
        var camera: String?
        /// `nil` when the camera's listing failed, not one clip.
        var start: String?
        var reason: String
    }

    struct Partial: Encodable {
        var camera: String
        var start: String
        var path: String
        var holes: [String]
    }

    struct Warning: Encodable {
        var camera: String
        var start: String
        var message: String
    }

    var archived: Int
    var skipped: Int
    var bytes: Int64
    var from: String
    var to: String
    var archivedClips: [Clip]
    var failures: [Failure]
    var partial: [Partial]
    var warnings: [Warning]
    var unfinished: Int
    /// Stopped by Ctrl-C or SIGTERM once it got to the clips.
    var interrupted: Bool
    var pruned: Int
    /// With `--dry-run`: archive-relative paths.
    var planned: [String]
    var prunable: [String]
    /// With a `destination`: what was shipped after the clips.
    var shipping: ShippingReport?

    init(_ summary: Backup.Summary, shipping: BackupCommand.Shipping? = nil, timeZone: (CameraID) -> TimeZone) {
        self.shipping = shipping.map(ShippingReport.init)
        func time(_ camera: CameraID, _ start: Int64) -> String { RecordingTime(start).iso8601(in: timeZone(camera)) }
        archived = summary.archived
        skipped = summary.skipped
        bytes = summary.bytes
        from = RecordingTime(summary.from).iso8601(in: TimeZone(identifier: "UTC")!)
        to = RecordingTime(summary.to).iso8601(in: TimeZone(identifier: "UTC")!)
        archivedClips = summary.archivedClips.map { Clip(camera: $0.device.mac, start: time($0.device, $0.start), path: $0.path, bytes: $0.bytes) }
        failures = summary.failures.map { failure in
            Failure(camera: failure.device?.mac, start: failure.device.flatMap { camera in failure.start.map { time(camera, $0) } }, reason: failure.reason)
        }
        partial = summary.partial.map { Partial(camera: $0.device.mac, start: time($0.device, $0.start), path: $0.path, holes: $0.holes.map(\.description)) }
        warnings = summary.warnings.map { Warning(camera: $0.device.mac, start: time($0.device, $0.start), message: $0.message) }
        unfinished = summary.unfinished
        interrupted = summary.interrupted
        pruned = summary.pruned
        planned = summary.planned
        prunable = summary.prunable
    }
}

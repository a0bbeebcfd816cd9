import Foundation
import IvyHLS
import IvyMedia

/// A stretch of a clip with no media, in seconds from the clip's start (by the playlist's
/// `EXTINF` durations).
public struct ClipHole: Sendable, Equatable, Codable, CustomStringConvertible {
    public var start: Double
    public var duration: Double
    /// The media sequence number of the segment that is missing.
    public var sequence: Int
    /// `nil` for an `EXT-X-GAP` (the recording itself has no media there); else why the
    /// segment could not be had.
    public var unavailableReason: String?

    init(start: Double, duration: Double, sequence: Int, _ hole: HLSDownloader.Hole) {
        self.start = start
        self.duration = duration
        self.sequence = sequence
        if case .unavailable(let reason) = hole { unavailableReason = reason }
    }

    public init(start: Double, duration: Double, sequence: Int, unavailableReason: String?) {
        self.start = start
        self.duration = duration
        self.sequence = sequence
        self.unavailableReason = unavailableReason
    }

    /// Media the cloud holds but that did not arrive (as opposed to a gap in the recording).
    public var isUnavailable: Bool { unavailableReason != nil }

    /// The media sequence number of a shortfall found by the clip's self-check, whose place in
    /// the clip is not known.
    public static let unknownPlace = -1

    public var description: String {
        if sequence == Self.unknownPlace { return "about \(Self.seconds(duration)) s missing (\(unavailableReason ?? "unknown"))" }
        let span = "\(Self.seconds(start))-\(Self.seconds(start + duration)) s"
        return unavailableReason.map { "\(span) missing (\($0))" } ?? "\(span) gap in the recording"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// A clip checks itself against its playlist once remuxed: its duration, and the time its
/// media covers (`RemuxSummary.coveredSeconds`, plus video dropped before the first keyframe),
/// must be within one segment of the `EXTINF` sum (less the holes), or it is not archived whole.
/// What no single step can see (a segment the demuxer skipped, timestamps squeezed together)
/// shows here as a clip too short or too long.
struct ClipCheck {
    let playlist: MediaPlaylist
    let holes: [ClipHole]

    /// What is wrong, in words, and how many seconds seem to be missing; `nil` for a clip that
    /// adds up.
    func problem(_ summary: RemuxSummary) -> (detail: String, missing: Double)? {
        // One segment, and a quarter second for rounding (a frame's length, an AAC priming).
        let tolerance = max(playlist.longestSegment, 1) + 0.25
        let missing = holes.reduce(0) { $0 + $1.duration }
        let media = playlist.duration - missing
        // A hole may stay in the timeline or be closed, and at an EXT-X-DISCONTINUITY time may
        // go on after a pause of up to the normalizer's jump threshold (10 s) without being one.
        let discontinuities = Double(playlist.segments.filter(\.discontinuity).count)
        let longest = playlist.duration + tolerance + discontinuities * RemuxSummary.jumpThresholdSeconds
        let withMedia = missing > 0 ? " (\(Self.format(media)) s with media)" : ""
        if summary.duration < media - tolerance {
            return ("the MP4 lasts \(Self.format(summary.duration)) s, the playlist \(Self.format(playlist.duration)) s" + withMedia,
                    media - summary.duration)
        }
        if summary.duration > longest {
            return ("the MP4 lasts \(Self.format(summary.duration)) s, the playlist only \(Self.format(playlist.duration)) s", 0)
        }
        let covered = summary.coveredSeconds + summary.droppedLeadingSeconds
        if covered < media - tolerance {
            return ("its media covers \(Self.format(covered)) s of the playlist's \(Self.format(media)) s" + (missing > 0 ? " with media" : ""),
                    media - covered)
        }
        return nil
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// A remuxed clip that does not add up to its playlist: it is not kept.
public struct ClipIncomplete: Error, Sendable, CustomStringConvertible {
    public let detail: String
    init(_ detail: String) { self.detail = detail }
    public var description: String { "the clip is incomplete: \(detail)" }
}

/// The playlist a clip's URL gave does not fit the recording the cloud listed: far longer
/// (a broken or hostile server; fetching it would fill the disk), so nothing is fetched.
public struct ClipMismatch: Error, Sendable, CustomStringConvertible {
    public let detail: String
    init(_ detail: String) { self.detail = detail }
    public var description: String { "the playlist does not fit the recording: \(detail)" }
}

extension ClipCheck {
    /// How far a playlist may run past the listed length of its recording, in seconds: a
    /// quarter of it, at least 30 s (segments are cut on keyframes, listings round).
    static func allowance(recorded seconds: Double) -> Double { max(30, seconds / 4) }
}

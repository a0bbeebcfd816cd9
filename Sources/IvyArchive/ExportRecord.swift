public import Foundation
public import IvyDomain

/// The sidecar `FILE.mp4.json`: what an exported file holds and where it came from, so that
/// whoever receives it can read it (`summary`, first) and check it (`export --check`).
///
/// Format `ivy-archiver-export/2`. The keys are written in reading order, not sorted: the
/// summary for a person, then the camera, the windows, the clips, the gaps, the output. Every
/// instant is ISO 8601 with the camera zone's offset (and Unix seconds beside it); source URLs
/// carry no query (their signature). `ExportRecord.verify` also reads `/1` sidecars.
public struct ExportRecord: Sendable, Codable, Equatable {
    public static let formatName = "ivy-archiver-export/2"
    /// The formats `verify` reads.
    public static let readableFormats = ["ivy-archiver-export/1", formatName]

    public struct Device: Sendable, Codable, Equatable {
        public var name: String
        /// The cloud's model name (`productName`); `unknown` when the export ran offline.
        public var model: String
        public var mac: CameraID
        public var timeZone: String
    }

    /// An instant twice: for a person (ISO 8601 with the offset of the camera's zone) and for
    /// a program (Unix seconds, to the millisecond).
    public struct Instant: Sendable, Codable, Equatable {
        public var time: String
        public var unix: Double
    }

    public struct Window: Sendable, Codable, Equatable {
        public var from: Instant
        public var to: Instant
    }

    /// A chapter of the MP4 (an event's): its title and where it starts in the file (seconds).
    public struct Chapter: Sendable, Codable, Equatable {
        public var title: String
        public var at: Double
    }

    /// A clip of the camera that overlaps the window. A clip whose time the file shows from
    /// another clip (an event inside continuous recording) has no `used`, `source` or hash:
    /// it was not read.
    public struct Clip: Sendable, Codable, Equatable {
        public var start: Instant
        public var end: Instant
        /// `continuous`, `motion`, `human`, ... (`RecordType.name`).
        public var type: String
        /// For an event: its chapter in the file.
        public var chapter: Chapter?
        /// What of the clip is in the file, and where it sits in the output (seconds).
        public var used: Window?
        public var outputStart: Double?
        public var outputEnd: Double?
        /// Frames re-encoded by `--exact`.
        public var reencodedFrames: Int?
        public var source: ClipSource?
        /// Archive-relative, when it came from the archive.
        public var file: String?
        /// The cloud's playlist URL without its query (the signature), when known.
        public var url: String?
        /// Bytes of the clip file the export read.
        public var size: Int64?
        /// SHA-256 of the clip file the export read (the archived file, or the clip as fetched).
        public var sha256: String?
        /// Stretches of the clip without media: `missing` says why for segments the cloud did
        /// not give (a partial clip); without it, the recording itself has a gap (`EXT-X-GAP`).
        public var holes: [Hole]?
        /// Why a clip is not in the file, or anything else a reader should know about it.
        public var note: String?
    }

    public struct Hole: Sendable, Codable, Equatable {
        public var from: Instant
        public var to: Instant
        public var missing: String?
    }

    public struct Output: Sendable, Codable, Equatable {
        /// The file's name, next to this sidecar.
        public var file: String
        /// Bytes.
        public var size: Int64
        public var sha256: String
        /// Seconds.
        public var duration: Double
        public var video: String?
        public var audio: String?
    }

    public var format = ExportRecord.formatName
    public var summary: Summary
    public var device: Device
    public var requested: Window
    /// From the first frame to the end of the last: wider than requested with keyframe cuts,
    /// narrower where the camera recorded nothing at the window's edges.
    public var actual: Window
    public var mode: ExportMode
    public var clips: [Clip]
    /// Stretches inside the window with no recording, cut out of the file.
    public var gaps: [Window]
    public var output: Output
    /// What a reader should know about how the file was made, e.g. that the cloud could not be
    /// reached and only archived clips are in it.
    public var notes: [String]?

    /// `FILE.mp4` -> `FILE.mp4.json`.
    public static func sidecarPath(for output: String) -> String { output + ".json" }

    /// The sidecar's bytes: pretty-printed, keys in the order of the declarations here
    /// (`OrderedJSONEncoder`: Foundation's encoder either sorts them or writes them in hash
    /// order), slashes unescaped, a newline at the end. These bytes are what a signature covers.
    public func encoded() throws -> Data {
        try OrderedJSONEncoder.encode(self) + Data("\n".utf8)
    }

}

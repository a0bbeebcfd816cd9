public import Foundation
public import IvyDomain

/// The sidecar `FILE.mp4.json`: what an exported file holds and where it came from, so that
/// whoever receives it can check it (`export --check`) and see where time jumps.
public struct ExportRecord: Sendable, Codable, Equatable {
    public static let formatName = "ivy-archiver-export/1"

    public struct Device: Sendable, Codable, Equatable {
        public var mac: CameraID
        public var name: String
        public var timeZone: String
    }

    /// An instant twice: for a person (ISO 8601 in the camera's zone) and for a program.
    public struct Instant: Sendable, Codable, Equatable {
        public var time: String
        public var unix: Double
    }

    public struct Window: Sendable, Codable, Equatable {
        public var from: Instant
        public var to: Instant
    }

    public struct Clip: Sendable, Codable, Equatable {
        public var start: Instant
        public var end: Instant
        public var type: String
        public var source: ClipSource
        /// The cloud's playlist URL without its signature, when known.
        public var url: String?
        /// SHA-256 of the clip file the export read (the archived file, or the clip as fetched).
        public var sha256: String
        /// Archive-relative, when it came from the archive.
        public var file: String?
        /// What of the clip is in the export, and where it sits in the output (seconds).
        public var used: Window
        public var outputStart: Double
        public var outputEnd: Double
        /// Frames re-encoded by `--exact`.
        public var reencodedFrames: Int
        /// Stretches of the clip without media: `missing` says why for segments the cloud did
        /// not give (a partial clip); without it, the recording itself has a gap (`EXT-X-GAP`).
        public var holes: [Hole]?
    }

    public struct Hole: Sendable, Codable, Equatable {
        public var from: Instant
        public var to: Instant
        public var missing: String?
    }

    public struct Output: Sendable, Codable, Equatable {
        /// The file's name, next to this sidecar.
        public var file: String
        public var size: Int64
        public var sha256: String
        public var duration: Double
        public var video: String?
        public var audio: String?
    }

    public var format = ExportRecord.formatName
    public var tool = "IvyArchiver"
    public var createdAt: String
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

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Checks an exported file against its sidecar: the size and the SHA-256 it records.
    /// Returns the problems found (empty: the file is what was exported).
    public static func check(_ path: String) async throws -> [String] {
        let sidecar = sidecarPath(for: path)
        guard FileManager.default.fileExists(atPath: path) else { throw ExportError.refused("\(path) does not exist") }
        guard let data = FileManager.default.contents(atPath: sidecar) else {
            throw ExportError.refused("\(sidecar) does not exist: there is nothing to check \(path) against")
        }
        let record: ExportRecord
        do {
            record = try JSONDecoder().decode(ExportRecord.self, from: data)
        } catch {
            throw ExportError.refused("\(sidecar) is not an IvyArchiver export record")
        }
        var problems: [String] = []
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? -1
        if size != record.output.size { problems.append("size is \(size) bytes, the record says \(record.output.size)") }
        let digest = try await FileDigest.sha256(path: path)
        if digest != record.output.sha256 { problems.append("SHA-256 is \(digest), the record says \(record.output.sha256)") }
        return problems
    }
}

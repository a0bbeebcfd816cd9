import Foundation
import Glibc
import IvyConcurrency

/// A small JPEG of a clip's first picture, made in-process with libavcodec (decode), libswscale
/// (scale) and FFmpeg's `mjpeg` encoder: no ffmpeg process. An archive keeps one per clip, for
/// pages that show what each clip holds.
public struct Thumbnail: Sendable, Equatable {
    /// Pixels of the JPEG.
    public var width: Int
    public var height: Int
    /// Size of the JPEG file.
    public var bytes: Int
    /// Seconds into the clip of the frame shown (after a hole at the start, where the media
    /// begins).
    public var time: Double

    /// Pixels across, by default: big enough for a timeline's tile, a few KB each.
    public static let defaultWidth = 320
    /// The encoder's fixed quantizer (`ffmpeg -q:v 5`): good for a preview, 2-31, lower is better.
    static let quality: Int32 = 5

    public init(width: Int, height: Int, bytes: Int, time: Double) {
        self.width = width
        self.height = height
        self.bytes = bytes
        self.time = time
    }

    /// Decodes the first frame of `clip` (any file FFmpeg opens; decoding starts at its first
    /// keyframe, and when that frame comes out damaged, for a clip that starts with a hole, goes
    /// on to the next good one, within the clip's first 300 video packets: seconds of a
    /// camera's stream), scales it to `width` pixels across (at most the picture's own display width;
    /// height from the display aspect ratio, so a non-square-pixel picture is not stretched;
    /// both even) and writes it to `destination` as a JPEG, atomically: a temporary file in
    /// `temporaryDirectory` (default: `destination`'s folder, which must be on the same file
    /// system) renamed into place. Creates `destination`'s folder. Runs on a thread of its own;
    /// cancelling the task stops the work and writes nothing (`CancellationError`).
    ///
    /// - Throws: `ThumbnailError` (no video stream, no frame decodes, cannot write),
    ///   `MediaError` (the file does not open as media, or FFmpeg fails).
    public static func make(of clip: String, to destination: String, width: Int = defaultWidth,
                            temporaryDirectory: String? = nil) async throws -> Thumbnail {
        try await BlockingThread.media(name: "ivy-thumbnail") { interrupt in
            try make(of: clip, to: destination, width: width, temporaryDirectory: temporaryDirectory, interrupt: interrupt)
        }
    }

    static func make(of clip: String, to destination: String, width: Int, temporaryDirectory: String?,
                     interrupt: CancellationFlag) throws -> Thumbnail {
        let picture = try FirstPicture(path: clip, interrupt: interrupt)
        try interrupt.check()
        let jpeg = try JPEGEncoder.encode(picture, width: width, quality: quality)
        try interrupt.check()
        try write(jpeg.bytes, to: destination, temporaryDirectory: temporaryDirectory)
        return Thumbnail(width: jpeg.width, height: jpeg.height, bytes: jpeg.bytes.count, time: picture.time)
    }

    /// Temporary file, then `rename(2)`: a reader sees the old JPEG or the new one, never half.
    private static func write(_ bytes: [UInt8], to destination: String, temporaryDirectory: String?) throws {
        let folder = (destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ThumbnailError.cannotWrite(path: destination, reason: "cannot create \(folder): \(error.localizedDescription)")
        }
        let temporary = (temporaryDirectory ?? folder) + "/.thumbnail-" + UUID().uuidString + ".jpg"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ThumbnailError.cannotWrite(path: destination, reason: error.localizedDescription)
        }
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ThumbnailError.cannotWrite(path: destination, reason: reason)
        }
    }
}

/// Why a clip got no thumbnail. The description is one line naming the file.
public enum ThumbnailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file holds no video (audio only, data).
    case noVideoStream(path: String)
    /// Not one frame decoded cleanly within the first `packets` video packets.
    case noDecodableFrame(path: String, packets: Int)
    /// The JPEG could not be put in place.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .noVideoStream(let path): "no thumbnail for \(path): it has no video stream"
        case .noDecodableFrame(let path, let packets): "no thumbnail for \(path): no frame decodes in its first \(packets) video packets"
        case .cannotWrite(let path, let reason): "cannot write the thumbnail \(path): \(reason)"
        }
    }
}

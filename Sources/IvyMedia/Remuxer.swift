import Foundation
import IvyConcurrency

/// Where the remuxer reads from: a local file, or bytes handed over as they download.
public struct RemuxSource: Sendable {
    enum Kind: Sendable {
        case file(String)
        case queue(ByteQueue)
    }

    let kind: Kind

    public static func file(_ path: String) -> RemuxSource { RemuxSource(kind: .file(path)) }
}

/// What goes into the MP4's metadata.
public struct RemuxMetadata: Sendable {
    /// E.g. the camera's name and the clip's time.
    public var title: String?
    /// ISO 8601 in UTC, e.g. `2026-11-25T14:03:00Z`: the clip's start, not the file's.
    public var creationTime: String?
    /// Free text kept in the file (`comment`, MP4's `©cmt`): the archive writes each clip's
    /// identity here, so that its catalog can be rebuilt from the files alone.
    public var comment: String?

    public init(title: String? = nil, creationTime: String? = nil, comment: String? = nil) {
        self.title = title
        self.creationTime = creationTime
        self.comment = comment
    }
}

/// What a remux produced, as the remuxer saw it (tests judge the file with ffprobe instead).
public struct RemuxSummary: Sendable {
    public var video: String?
    public var audio: String?
    /// The source audio codec, when it had to be transcoded to AAC.
    public var transcodedFrom: String?
    /// Timestamp jumps closed (HLS discontinuities, encoder restarts, wraps).
    public var discontinuities = 0
    /// Packets moved one tick after their predecessor: repeated or backward timestamps.
    public var timestampCorrections = 0
    /// Video frames before the first keyframe, dropped since nothing could decode them.
    public var droppedLeadingFrames = 0
    /// Video frames written.
    public var videoFrames = 0
    /// Seconds from the first packet to the end of the last, on the output timeline.
    public var duration = 0.0
    /// Seconds of the timeline where some stream has media: the steps between consecutive
    /// packets of a stream, less any step over `RemuxSummary.holeSeconds` (a hole). A camera
    /// whose video stalls while its audio goes on has no hole here; a stretch no stream covers
    /// (media the demuxer never saw) does.
    public var coveredSeconds = 0.0
    /// Seconds of video dropped before the first keyframe (undecodable, not lost in transfer).
    public var droppedLeadingSeconds = 0.0
    /// A step between two packets of a stream longer than this (seconds) is a hole.
    public static let holeSeconds = 2.5
    /// A step forward of more than this (seconds) is a jump of the timeline, closed; less is a
    /// pause, kept (`TimestampNormalizer.forwardJump`).
    public static let jumpThresholdSeconds = Double(TimestampNormalizer.forwardJump) / 1_000_000
    /// Inputs read one after the other: more than one when a new initialization section
    /// (`EXT-X-MAP`) started a new one.
    public var parts = 1
}

/// Turns media into a faststart MP4 without re-encoding video.
///
/// FFmpeg blocks, and its read callback waits for the next download: so the remux runs on a
/// thread of its own, never on the Swift concurrency pool, and the async side hands it bytes
/// through a bounded queue. The output is complete when this returns; on any failure the
/// output file is removed.
public enum Remuxer {
    /// Bytes a remux of `seconds` of recording holds until its end: FFmpeg's MP4 muxer keeps an
    /// entry of about 48 bytes per sample (its `MOVIentry`) for the `moov` it writes last, and
    /// grows its arrays in steps; about 3 KiB a second for 25 fps video with AAC audio (measured:
    /// 52 MB for three 100-minute clips at once, `docs/PERFORMANCE.md`). For admitting clips
    /// (`DownloadLimiter.admission(holding:)`), not a bound.
    public static func sampleIndexBytes(forSeconds seconds: Double) -> Int {
        Int(max(0, seconds) * 3072)
    }

    /// Remuxes a local file.
    public static func remux(_ source: RemuxSource, to outputPath: String, metadata: RemuxMetadata = RemuxMetadata()) async throws -> RemuxSummary {
        try await runWorker(RemuxWorker(source: source, outputPath: outputPath, metadata: metadata))
    }

    /// Remuxes bytes that `feed` produces (segments, in order), while it produces them. At most
    /// `bufferBytes` wait between the feed and FFmpeg; `feed` waits when they are full.
    public static func remux(
        to outputPath: String, metadata: RemuxMetadata = RemuxMetadata(), bufferBytes: Int = 8 << 20,
        feed: (RemuxFeed) async throws -> Void
    ) async throws -> RemuxSummary {
        let queue = ByteQueue(capacity: bufferBytes)
        let worker = RemuxWorker(source: RemuxSource(kind: .queue(queue)), outputPath: outputPath, metadata: metadata)
        let result = startThread(worker, queue: queue)
        do {
            try await feed(RemuxFeed(queue: queue))
            queue.finish()
        } catch is ByteQueue.ReaderGone {
            // The remux stopped early: its own error says why.
            return try await result.value
        } catch {
            queue.fail(error)
            _ = try? await result.value
            throw error
        }
        return try await result.value
    }

    private static func runWorker(_ worker: RemuxWorker) async throws -> RemuxSummary {
        try await startThread(worker, queue: nil).value
    }

    /// Cancelling a task that waits for the result stops FFmpeg at its next read, write or
    /// packet; the output is removed.
    private static func startThread(_ worker: RemuxWorker, queue: ByteQueue?) -> BlockingThread.Running<RemuxSummary> {
        BlockingThread.start(name: "ivy-remux", BlockingThread.cancellable { interrupt in
            defer { queue?.close() }
            do {
                return try worker.run(interrupt: interrupt)
            } catch {
                try? FileManager.default.removeItem(atPath: worker.outputPath)
                throw queue?.failureReason ?? error
            }
        })
    }
}

/// The async side's handle on a running remux.
public struct RemuxFeed: Sendable {
    let queue: ByteQueue

    /// Hands the next bytes (a segment, an init section) to the demuxer, waiting while its
    /// buffer is full.
    public func append(_ bytes: [UInt8]) async throws {
        try await queue.append(bytes)
    }

    /// Hands the next bytes over as a source the remux thread reads itself (a spooled
    /// segment), waiting while the buffer is full: they count against it like bytes in memory.
    /// A source that fails to read, or holds fewer bytes than its `count`, fails the remux with
    /// its own error.
    public func append(_ source: any ByteSource) async throws {
        try await queue.append(source)
    }

    /// The recording starts `seconds` in: its first segments are holes (missing, or gaps), and
    /// the timeline keeps them, so that the media sits where the clip's start time says. Call
    /// before the first bytes.
    public func startTimeline(at seconds: Double) {
        queue.leadingMicroseconds = Int64((seconds * 1_000_000).rounded())
    }

    /// The bytes that follow are a new input, read by a new demuxer: for a new initialization
    /// section (`EXT-X-MAP`) after a discontinuity, whose parameters the old one would not see.
    /// Its streams continue the same tracks (new H.264/H.265 parameter sets go in-band); a
    /// change MP4 cannot hold in them (another codec, another size) fails the remux, saying so.
    public func startPart() async throws {
        try await queue.appendBoundary()
    }
}

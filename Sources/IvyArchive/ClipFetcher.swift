public import Foundation
public import IvyHLS
public import IvyHTTP
import IvyMedia
import IvyConcurrency
public import Logging
import IvyDomain

/// One HLS recording into one MP4: playlist, segments fetched concurrently, remuxed as they
/// arrive, written under a temporary name, synced, and renamed into place only when complete.
public struct ClipFetcher: Sendable {
    public struct Progress: Sendable {
        public var segmentsDone: Int
        public var segmentsTotal: Int
        public var bytes: Int
        /// Seconds of media fetched so far, and in all.
        public var mediaSecondsDone: Double
        public var mediaSecondsTotal: Double
    }

    public struct Result: Sendable {
        public var path: String
        public var bytes: Int
        public var segments: Int
        public var video: String?
        public var audio: String?
        /// Stretches with no media: `EXT-X-GAP` segments, and (with `keepsPartial`) segments
        /// that stayed unavailable. Empty for a whole clip.
        public var holes: [ClipHole]
        /// Seconds, as the written MP4 says (its container's duration: what `verify`, a catalog
        /// rebuild and ffprobe read back); the remux's own measure when the container says none.
        public var duration: Double

        /// Some of the recording could not be had: the file holds the rest.
        public var isPartial: Bool { holes.contains { $0.isUnavailable } }
    }

    let downloader: HLSDownloader
    let logger: Logger

    public init(transport: any HTTPTransport, limiter: DownloadLimiter, policy: HLSDownloader.Policy = .init(), logger: Logger) {
        self.downloader = HLSDownloader(transport: transport, limiter: limiter, policy: policy, logger: logger)
        self.logger = logger
    }

    /// Fetches the recording at `url` into `output`. `refreshURL` gives a new signed URL of the
    /// same recording when the first one expires mid-way (for the cloud: `record.play` again).
    /// `temporaryDirectory` defaults to the output's folder, so that the final rename is atomic.
    /// `keepsPartial` overrides the policy's: segments still unavailable after their retries
    /// become holes (`Result.holes`) instead of failing the clip. `recordedSeconds`, the length
    /// the listing gives: a playlist far longer throws `ClipMismatch` before any segment is
    /// fetched; one far shorter leaves a hole at its end, so the clip is kept as partial and
    /// tried again, never cut short without a word.
    ///
    /// Throws `HLSError`, `PlaylistError`, `MediaError`, `ClipIncomplete` (the file does not add
    /// up to its playlist), or a file system error; nothing is left at `output` then.
    public func fetch(
        url: String, to output: String, title: String? = nil, creationTime: Date? = nil, comment: String? = nil, recordedSeconds: Double? = nil,
        temporaryDirectory: String? = nil,
        keepsPartial: Bool? = nil, refreshURL: (@Sendable () async throws -> String)? = nil,
        progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Result {
        let downloader = keepsPartial.map { self.downloader.keepingPartial($0) } ?? self.downloader
        let playlist = try await downloader.mediaPlaylist(at: url)
        var shortfall: Double?
        if let recordedSeconds {
            let allowance = ClipCheck.allowance(recorded: recordedSeconds)
            if playlist.duration > recordedSeconds + allowance {
                throw ClipMismatch("it lasts \(Int(playlist.duration)) s in \(playlist.segments.count) segments, the recording \(Int(recordedSeconds)) s")
            }
            if playlist.duration < recordedSeconds - allowance { shortfall = recordedSeconds - playlist.duration }
        }
        let folder = temporaryDirectory ?? (output as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        let temporary = directory + "/.\((output as NSString).lastPathComponent).\(UUID().uuidString).partial"
        var metadata = RemuxMetadata(title: title, comment: comment)
        if let creationTime { metadata.creationTime = RecordingTime(unix: creationTime.timeIntervalSince1970).iso8601() }
        var refresh: (@Sendable () async throws -> MediaPlaylist)?
        if let refreshURL {
            let downloader = downloader
            refresh = { try await downloader.mediaPlaylist(at: try await refreshURL()) }
        }
        let total = playlist.segments.count
        let totalSeconds = playlist.duration
        do {
            var holes: [ClipHole] = []
            // A small hand-over queue: segment bytes wait in their spool files (or the limiter's
            // memory budget), not here.
            let summary = try await Remuxer.remux(to: temporary, metadata: metadata, bufferBytes: 1 << 20) { feed in
                var bytes = 0
                var seconds = 0.0
                var lastInit: [UInt8]?
                // Segments wait on the archive's disk, beside the clip, not in memory.
                try await downloader.download(playlist, refresh: refresh, spoolDirectory: directory) { payload in
                    defer {
                        seconds += payload.segment.duration
                        progress(Progress(segmentsDone: payload.index + 1, segmentsTotal: total, bytes: bytes,
                                          mediaSecondsDone: seconds, mediaSecondsTotal: totalSeconds))
                    }
                    if let hole = payload.hole {
                        holes.append(ClipHole(start: seconds, duration: payload.segment.duration, sequence: payload.segment.sequence, hole))
                        return
                    }
                    // Leading holes stay on the timeline: the media sits where the clip's time says.
                    if bytes == 0, seconds > 0 { feed.startTimeline(at: seconds) }
                    if let initSection = payload.initSection, initSection != lastInit {
                        // A different initialization section is a new input: its parameters
                        // must reach a new demuxer, never be decoded with the old ones.
                        if lastInit != nil { try await feed.startPart() }
                        try await feed.append(initSection)
                        lastInit = initSection
                    }
                    switch payload.body {
                    case .memory(let chunks):
                        for chunk in chunks.chunks { try await feed.append(chunk) }
                    case .spooled(let file):
                        try await feed.append(SpooledSegment(file: file))
                    }
                    bytes += payload.body.count
                }
                if bytes == 0 {
                    throw ClipIncomplete("no segment could be had (" + holes.compactMap(\.unavailableReason).prefix(1).joined() + ")")
                }
            }
            if let problem = ClipCheck(playlist: playlist, holes: holes).problem(summary) {
                // Kept only when asked to keep partial clips, and said so like any other hole.
                guard keepsPartial ?? downloader.keepsPartial else { throw ClipIncomplete(problem.detail) }
                holes.append(ClipHole(start: 0, duration: problem.missing, sequence: ClipHole.unknownPlace,
                                      unavailableReason: "the clip is incomplete: \(problem.detail)"))
            }
            if let shortfall {
                let detail = "the playlist ends \(Int(shortfall)) s before the recording does"
                guard keepsPartial ?? downloader.keepsPartial else { throw ClipIncomplete(detail) }
                holes.append(ClipHole(start: totalSeconds, duration: shortfall, sequence: ClipHole.unknownPlace,
                                      unavailableReason: detail))
            }
            try await FileSync.sync(path: temporary)
            // The remux's own measure runs from the first packet's decode time, which an fMP4
            // edit list or a dropped lead-in moves: the file's duration is what is read back.
            // Read before the rename: nothing may throw once the file is in place, or a clip
            // cancelled there would stay in the archive with no catalog entry.
            let written = try await valueUnlessCancelled { try await MediaInfo.probe(path: temporary) }
            try await FileSync.rename(temporary, to: output)
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            if holes.contains(where: \.isUnavailable) {
                logger.notice("clip kept with holes", metadata: ["output": "\(output)", "holes": "\(holes.filter(\.isUnavailable).map(\.description))"])
            }
            return Result(path: output, bytes: size, segments: total, video: summary.video, audio: summary.audio,
                          holes: holes, duration: written?.duration ?? summary.duration)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

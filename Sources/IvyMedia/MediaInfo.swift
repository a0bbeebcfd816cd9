import CFFmpeg
import IvyConcurrency

/// What a media file holds, read through libavformat: enough to check a download or an archive
/// entry without trusting its name.
public struct MediaInfo: Sendable, Equatable {
    public struct Stream: Sendable, Equatable {
        public enum Kind: String, Sendable { case video, audio, subtitle, data, other }
        public var kind: Kind
        /// FFmpeg's codec name: `h264`, `hevc`, `aac`, `pcm_alaw`, ...
        public var codec: String
        /// The container's tag, e.g. `hvc1` or `avc1` in MP4; empty where there is none.
        public var tag: String
        public var width: Int
        public var height: Int
        public var sampleRate: Int
    }

    /// The demuxer's short names, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `mpegts`.
    public var format: String
    /// Seconds, when the container says.
    public var duration: Double?
    public var streams: [Stream]
    /// The container's metadata (`title`, `comment`, `creation_time`, ...).
    public var tags: [String: String] = [:]

    /// Opens `path` and reads its header and enough packets to know its streams, on a thread
    /// made for blocking work; cancelling the task stops the read (`CancellationError`).
    ///
    /// - Throws: `MediaError` when the file does not open as media.
    public static func probe(path: String) async throws -> MediaInfo {
        try await BlockingThread.media(name: "ivy-probe") { interrupt in try probe(path: path, interrupt: interrupt) }
    }

    static func probe(path: String, interrupt: CancellationFlag) throws -> MediaInfo {
        let input = try InputContext(path: path, interrupt: interrupt)
        let context = input.pointer.pointee
        let format = context.iformat.map { String(cString: $0.pointee.name) } ?? ""
        let duration = context.duration == ivy_av_nopts_value() || context.duration <= 0 ? nil : Double(context.duration) / Double(AV_TIME_BASE)
        let streams = input.streams.map { stream -> Stream in
            let parameters = stream.pointee.codecpar.pointee
            let kind: Stream.Kind
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO: kind = .video
            case AVMEDIA_TYPE_AUDIO: kind = .audio
            case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
            case AVMEDIA_TYPE_DATA: kind = .data
            default: kind = .other
            }
            let tagValue = parameters.codec_tag
            let tag = tagValue == 0 ? "" : String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: tagValue >> (8 * $0)) }, as: UTF8.self)
            return Stream(
                kind: kind, codec: String(cString: avcodec_get_name(parameters.codec_id)), tag: tag,
                width: Int(parameters.width), height: Int(parameters.height), sampleRate: Int(parameters.sample_rate))
        }
        var tags: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(context.metadata, "", entry, AV_DICT_IGNORE_SUFFIX) {
            tags[String(cString: next.pointee.key)] = String(cString: next.pointee.value)
            entry = next
        }
        return MediaInfo(format: format, duration: duration, streams: streams, tags: tags)
    }
}

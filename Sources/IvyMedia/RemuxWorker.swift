import CFFmpeg
import Foundation

/// The remux itself, on its own thread: demux the input, copy video (H.264 as `avc1`, H.265
/// as `hvc1`) and AAC, transcode audio that MP4 does not allow, normalize timestamps, write a
/// faststart MP4. Everything FFmpeg is created, used and freed here.
struct RemuxWorker: Sendable {
    /// Audio codecs the MP4 muxer takes as they are.
    static let copyableAudio: Set<UInt32> = [AV_CODEC_ID_AAC.rawValue, AV_CODEC_ID_MP3.rawValue, AV_CODEC_ID_AC3.rawValue, AV_CODEC_ID_OPUS.rawValue]
    static let copyableVideo: Set<UInt32> = [AV_CODEC_ID_H264.rawValue, AV_CODEC_ID_HEVC.rawValue, AV_CODEC_ID_MPEG4.rawValue, AV_CODEC_ID_AV1.rawValue]

    let source: RemuxSource
    let outputPath: String
    let metadata: RemuxMetadata

    private enum Route {
        case copy(output: UnsafeMutablePointer<AVStream>)
        case transcode(AudioTranscoder)
    }

    func run() throws -> RemuxSummary {
        let input: InputContext
        switch source.kind {
        case .file(let path): input = try InputContext(path: path)
        case .queue(let queue): input = try InputContext(queue: queue)
        }
        let output = try OutputContext(path: outputPath)
        var routes: [Int: Route] = [:]
        var summary = RemuxSummary()
        for stream in input.streams {
            let parameters = stream.pointee.codecpar.pointee
            let codec = parameters.codec_id.rawValue
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where Self.copyableVideo.contains(codec) && summary.video == nil:
                let out = try output.addStream()
                try check(avcodec_parameters_copy(out.pointee.codecpar, stream.pointee.codecpar), "copy the video parameters")
                // Apple players open H.265 in MP4 only when it is tagged hvc1 (FFmpeg's default is hev1).
                out.pointee.codecpar.pointee.codec_tag = parameters.codec_id == AV_CODEC_ID_HEVC ? ivy_mktag(104, 118, 99, 49) : 0
                out.pointee.time_base = stream.pointee.time_base
                routes[Int(stream.pointee.index)] = .copy(output: out)
                summary.video = String(cString: avcodec_get_name(parameters.codec_id))
            case AVMEDIA_TYPE_AUDIO where summary.audio == nil:
                let out = try output.addStream()
                if Self.copyableAudio.contains(codec) {
                    try check(avcodec_parameters_copy(out.pointee.codecpar, stream.pointee.codecpar), "copy the audio parameters")
                    out.pointee.codecpar.pointee.codec_tag = 0
                    out.pointee.time_base = stream.pointee.time_base
                    routes[Int(stream.pointee.index)] = .copy(output: out)
                    summary.audio = String(cString: avcodec_get_name(parameters.codec_id))
                } else {
                    routes[Int(stream.pointee.index)] = .transcode(try AudioTranscoder(input: stream, output: out, muxer: output.pointer))
                    summary.audio = "aac"
                    summary.transcodedFrom = String(cString: avcodec_get_name(parameters.codec_id))
                }
            default:
                continue  // data, subtitles, a second audio track: not part of a camera recording
            }
        }
        guard summary.video != nil || summary.audio != nil else {
            throw MediaError("find a video or audio stream MP4 can hold", code: ivy_averror_invaliddata())
        }
        if let title = metadata.title { output.setMetadata("title", title) }
        if let creation = metadata.creationTime { output.setMetadata("creation_time", creation) }
        output.setMetadata("encoder", "IvyArchiver")
        try output.writeHeader()

        let packet = try Packet()
        var normalizer = TimestampNormalizer()
        var transcoders: [AudioTranscoder] = []
        for case .transcode(let transcoder) in routes.values { transcoders.append(transcoder) }
        let microseconds = ivy_av_time_base_q()
        while true {
            let read = av_read_frame(input.pointer, packet.pointer)
            if read == ivy_averror_eof() { break }
            try check(read, "read the input")
            defer { av_packet_unref(packet.pointer) }
            let index = Int(packet.pointer.pointee.stream_index)
            guard let route = routes[index] else { continue }
            let timeBase = input.streams[index].pointee.time_base
            let nopts = ivy_av_nopts_value()
            let p = packet.pointer.pointee
            let adjusted = normalizer.adjust(
                stream: index,
                dts: p.dts == nopts ? nil : av_rescale_q(p.dts, timeBase, microseconds),
                pts: p.pts == nopts ? nil : av_rescale_q(p.pts, timeBase, microseconds),
                duration: av_rescale_q(p.duration, timeBase, microseconds))
            guard let adjusted else { continue }
            packet.pointer.pointee.dts = av_rescale_q(adjusted.dts, microseconds, timeBase)
            packet.pointer.pointee.pts = av_rescale_q(adjusted.pts, microseconds, timeBase)
            summary.packets += 1
            switch route {
            case .copy(let out):
                packet.pointer.pointee.stream_index = out.pointee.index
                av_packet_rescale_ts(packet.pointer, timeBase, out.pointee.time_base)
                packet.pointer.pointee.pos = -1
                try output.write(packet.pointer)
            case .transcode(let transcoder):
                try transcoder.push(packet.pointer) { try output.write($0) }
            }
        }
        for transcoder in transcoders { try transcoder.push(nil) { try output.write($0) } }
        try output.finish()
        summary.discontinuities = normalizer.discontinuities
        return summary
    }
}

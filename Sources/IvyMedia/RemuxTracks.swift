import CFFmpeg

/// The output's tracks and how each input stream reaches them: copied, or transcoded to AAC.
/// Set up from the first part of the recording; each later part (a new demuxer after a new
/// `EXT-X-MAP`) is mapped onto the same tracks, or refused with the reason when MP4 cannot
/// hold it in them. Confined to the remux thread.
final class RemuxTracks {
    /// Audio codecs the MP4 muxer takes as they are.
    static let copyableAudio: Set<UInt32> = [AV_CODEC_ID_AAC.rawValue, AV_CODEC_ID_MP3.rawValue, AV_CODEC_ID_AC3.rawValue, AV_CODEC_ID_OPUS.rawValue]
    static let copyableVideo: Set<UInt32> = [AV_CODEC_ID_H264.rawValue, AV_CODEC_ID_HEVC.rawValue, AV_CODEC_ID_MPEG4.rawValue, AV_CODEC_ID_AV1.rawValue]

    enum Route {
        case copy(output: OutputStream, video: Bool)
        case transcode(AudioTranscoder)
    }

    /// By input stream index, for the part being read.
    private(set) var routes: [Int: Route] = [:]
    private(set) var video: OutputStream?
    private(set) var audio: Route?
    private(set) var summary = RemuxSummary()
    /// A later part's own H.264/H.265 parameter sets, length-prefixed: they go in-band before
    /// its first keyframe, since the track's sample entry keeps the first part's.
    var pendingParameterSets: [UInt8]?
    /// The input parameters each track was set up with, to compare later parts with.
    private var videoParameters: (codec: AVCodecID, width: Int32, height: Int32, extradata: [UInt8])?
    private var audioParameters: (codec: AVCodecID, sampleRate: Int32, channels: Int32)?

    init(first input: InputContext, output: OutputContext) throws {
        for stream in input.streams {
            let parameters = stream.pointee.codecpar.pointee
            let codec = parameters.codec_id.rawValue
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where Self.copyableVideo.contains(codec) && video == nil:
                let out = try output.addStream()
                try check(avcodec_parameters_copy(out.pointer.pointee.codecpar, stream.pointee.codecpar), "copy the video parameters")
                // Apple players open H.265 in MP4 only when it is tagged hvc1 (FFmpeg's default is hev1).
                out.pointer.pointee.codecpar.pointee.codec_tag = parameters.codec_id == AV_CODEC_ID_HEVC ? ivy_mktag(104, 118, 99, 49) : 0
                out.pointer.pointee.time_base = stream.pointee.time_base
                routes[Int(stream.pointee.index)] = .copy(output: out, video: true)
                video = out
                videoParameters = (parameters.codec_id, parameters.width, parameters.height, Self.extradata(parameters))
                summary.video = String(cString: avcodec_get_name(parameters.codec_id))
            case AVMEDIA_TYPE_AUDIO where audio == nil:
                let out = try output.addStream()
                let route: Route
                if Self.copyableAudio.contains(codec) {
                    try check(avcodec_parameters_copy(out.pointer.pointee.codecpar, stream.pointee.codecpar), "copy the audio parameters")
                    out.pointer.pointee.codecpar.pointee.codec_tag = 0
                    out.pointer.pointee.time_base = stream.pointee.time_base
                    route = .copy(output: out, video: false)
                    summary.audio = String(cString: avcodec_get_name(parameters.codec_id))
                } else {
                    route = .transcode(try AudioTranscoder(input: stream, output: out))
                    summary.audio = "aac"
                    summary.transcodedFrom = String(cString: avcodec_get_name(parameters.codec_id))
                }
                routes[Int(stream.pointee.index)] = route
                audio = route
                audioParameters = (parameters.codec_id, parameters.sample_rate, parameters.ch_layout.nb_channels)
            default:
                continue  // data, subtitles, a second audio track: not part of a camera recording
            }
        }
        guard summary.video != nil || summary.audio != nil else {
            throw MediaError("find a video or audio stream MP4 can hold", code: ivy_averror_invaliddata())
        }
    }

    /// Maps the streams of a later part onto the tracks; throws when MP4 cannot hold them there.
    func mapNextPart(_ input: InputContext, part: Int) throws {
        routes = [:]
        pendingParameterSets = nil
        var sawVideo = false
        var sawAudio = false
        for stream in input.streams {
            let parameters = stream.pointee.codecpar.pointee
            let name = String(cString: avcodec_get_name(parameters.codec_id))
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where !sawVideo:
                sawVideo = true
                guard let video, let first = videoParameters else {
                    throw MediaError("read part \(part) of the recording", message: "it adds a video stream (\(name)) the recording did not start with")
                }
                guard parameters.codec_id == first.codec else {
                    throw MediaError("read part \(part) of the recording", message: "its video changes from \(summary.video ?? "?") to \(name), which one MP4 track cannot hold")
                }
                guard parameters.width == first.width, parameters.height == first.height else {
                    throw MediaError("read part \(part) of the recording",
                                     message: "its video changes size from \(first.width)x\(first.height) to \(parameters.width)x\(parameters.height), which one MP4 track cannot hold")
                }
                let extradata = Self.extradata(parameters)
                if extradata != first.extradata, let sets = ParameterSets.parse(extradata, hevc: first.codec == AV_CODEC_ID_HEVC),
                    let outputSets = ParameterSets.parse(first.extradata, hevc: first.codec == AV_CODEC_ID_HEVC), sets.lengthSize == outputSets.lengthSize {
                    pendingParameterSets = ParameterSets.lengthPrefixed(sets.units, lengthSize: sets.lengthSize)
                } else if extradata != first.extradata, !extradata.isEmpty, ParameterSets.parse(extradata, hevc: first.codec == AV_CODEC_ID_HEVC) != nil {
                    throw MediaError("read part \(part) of the recording", message: "its video parameter sets use another NAL length size")
                }
                routes[Int(stream.pointee.index)] = .copy(output: video, video: true)
            case AVMEDIA_TYPE_AUDIO where !sawAudio:
                sawAudio = true
                guard let audio, let first = audioParameters else {
                    throw MediaError("read part \(part) of the recording", message: "it adds an audio stream (\(name)) the recording did not start with")
                }
                guard parameters.codec_id == first.codec, parameters.sample_rate == first.sampleRate, parameters.ch_layout.nb_channels == first.channels else {
                    throw MediaError("read part \(part) of the recording",
                                     message: "its audio changes to \(name) \(parameters.sample_rate) Hz \(parameters.ch_layout.nb_channels) ch, which one MP4 track cannot hold")
                }
                guard case .copy = audio else {
                    throw MediaError("read part \(part) of the recording", message: "transcoded audio cannot continue across a new initialization section")
                }
                routes[Int(stream.pointee.index)] = audio
            default:
                continue
            }
        }
    }

    var transcoders: [AudioTranscoder] {
        if case .transcode(let transcoder) = audio { return [transcoder] }
        return []
    }

    private static func extradata(_ parameters: AVCodecParameters) -> [UInt8] {
        guard let data = parameters.extradata, parameters.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(parameters.extradata_size)))
    }
}

import CFFmpeg

/// `--exact` for a cut inside a GOP: decodes the GOP from its keyframe and re-encodes only the
/// frames inside `keep` (same codec, size and pixel format), so a join can start on any frame
/// while everything from the next keyframe on is still copied.
///
/// The encoder writes Annex B with its parameter sets in-band (no global header); frames are
/// turned into the track's length-prefixed form. Confined to the join thread.
final class GOPReencoder {
    private let decoder: CodecContext
    private var encoder: CodecContext?
    private let frame: Frame
    private let encoded: Packet
    /// Copied: the demuxer that read them may close before this re-encoder does.
    private let parameters: CodecParameters
    private let timeBase: AVRational
    private let frameRate: AVRational
    private let lengthSize: Int
    private let keep: Range<Int64>
    private(set) var frames = 0

    /// `keep`: presentation times (in the stream's time base) of the frames to re-encode.
    init(stream: UnsafeMutablePointer<AVStream>, keep: Range<Int64>, lengthSize: Int) throws {
        parameters = try CodecParameters(copying: stream.pointee.codecpar)
        timeBase = stream.pointee.time_base
        frameRate = stream.pointee.avg_frame_rate
        self.keep = keep
        self.lengthSize = lengthSize
        guard let codec = avcodec_find_decoder(parameters.pointer.pointee.codec_id) else {
            throw MediaError("find a decoder for \(String(cString: avcodec_get_name(parameters.pointer.pointee.codec_id)))",
                             code: ivy_averror_invaliddata())
        }
        decoder = try CodecContext(codec)
        frame = try Frame()
        encoded = try Packet()
        try check(avcodec_parameters_to_context(decoder.pointer, parameters.pointer), "set up the decoder")
        decoder.pointer.pointee.pkt_timebase = timeBase
        try decoder.open("open the decoder")
    }

    /// Decodes `packet` (one of the GOP's, in decode order) and hands on what the encoder makes.
    func push(_ packet: UnsafeMutablePointer<AVPacket>?, emit: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        try check(avcodec_send_packet(decoder.pointer, packet), "decode a frame to re-encode")
        try receiveFrames(emit: emit)
        if packet == nil {
            if let encoder {
                try check(avcodec_send_frame(encoder.pointer, nil), "finish the re-encoded frames")
                try receivePackets(emit: emit)
            }
        }
    }

    private func receiveFrames(emit: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        while true {
            let received = avcodec_receive_frame(decoder.pointer, frame.pointer)
            if received == ivy_averror(EAGAIN) || received == ivy_averror_eof() { return }
            try check(received, "decode a frame to re-encode")
            defer { av_frame_unref(frame.pointer) }
            let pts = frame.pointer.pointee.best_effort_timestamp
            guard keep.contains(pts) else { continue }
            let encoder = try self.encoder ?? openEncoder()
            frame.pointer.pointee.pts = pts
            frame.pointer.pointee.pict_type = frames == 0 ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
            try check(avcodec_send_frame(encoder.pointer, frame.pointer), "re-encode a frame")
            frames += 1
            try receivePackets(emit: emit)
        }
    }

    private func receivePackets(emit: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        guard let encoder else { return }
        while true {
            let received = avcodec_receive_packet(encoder.pointer, encoded.pointer)
            if received == ivy_averror(EAGAIN) || received == ivy_averror_eof() { return }
            try check(received, "re-encode a frame")
            defer { av_packet_unref(encoded.pointer) }
            let units = ParameterSets.annexBUnits(UnsafeBufferPointer(start: encoded.pointer.pointee.data, count: Int(encoded.pointer.pointee.size)))
            let converted = try Packet(bytes: ParameterSets.lengthPrefixed(units, lengthSize: lengthSize), propertiesOf: encoded.pointer)
            try emit(converted.pointer)
        }
    }

    /// Same codec, size, pixel format and time base as the copied frames; a quality high enough
    /// that the few re-encoded frames do not stand out; no B-frames, so decode order is
    /// presentation order.
    private func openEncoder() throws -> CodecContext {
        let parameters = parameters.pointer, frame = frame.pointer
        let id = parameters.pointee.codec_id
        let preferred = id == AV_CODEC_ID_H264 ? "libx264" : id == AV_CODEC_ID_HEVC ? "libx265" : ""
        guard let codec = avcodec_find_encoder_by_name(preferred) ?? avcodec_find_encoder(id) else {
            throw MediaError("find an encoder for \(String(cString: avcodec_get_name(id))) (--exact needs one)", code: ivy_averror_invaliddata())
        }
        let owner = try CodecContext(codec)
        let context = owner.pointer
        context.pointee.width = frame.pointee.width
        context.pointee.height = frame.pointee.height
        context.pointee.pix_fmt = AVPixelFormat(rawValue: frame.pointee.format)
        context.pointee.sample_aspect_ratio = frame.pointee.sample_aspect_ratio
        context.pointee.time_base = timeBase
        if frameRate.num > 0 { context.pointee.framerate = frameRate }
        context.pointee.gop_size = 1 << 20
        context.pointee.max_b_frames = 0
        context.pointee.color_range = parameters.pointee.color_range
        context.pointee.color_primaries = parameters.pointee.color_primaries
        context.pointee.color_trc = parameters.pointee.color_trc
        context.pointee.colorspace = parameters.pointee.color_space
        if let options = context.pointee.priv_data {
            av_opt_set(options, "preset", "fast", 0)
            av_opt_set(options, "crf", "16", 0)
            if preferred == "libx264", let profile = Self.h264Profiles[parameters.pointee.profile] { av_opt_set(options, "profile", profile, 0) }
            if preferred == "libx265" { av_opt_set(options, "x265-params", "log-level=none:bframes=0", 0) }
        }
        try owner.open("open the \(String(cString: codec.pointee.name)) encoder")
        encoder = owner
        return owner
    }

    /// The copied track's `avcC` names its profile: re-encoded frames stay inside it.
    private static let h264Profiles: [Int32: String] = [66: "baseline", 77: "main", 100: "high"]
}

extension Packet {
    /// A packet holding `bytes`, with the timestamps and flags of `source`.
    convenience init(bytes: [UInt8], propertiesOf source: UnsafeMutablePointer<AVPacket>) throws {
        try self.init()
        try check(av_new_packet(pointer, Int32(bytes.count)), "allocate a packet")
        bytes.withUnsafeBufferPointer { buffer in
            pointer.pointee.data.update(from: buffer.baseAddress!, count: buffer.count)
        }
        try check(av_packet_copy_props(pointer, source), "copy a packet's timestamps")
        pointer.pointee.pts = source.pointee.pts
        pointer.pointee.dts = source.pointee.dts
        pointer.pointee.duration = source.pointee.duration
        pointer.pointee.flags = source.pointee.flags
    }
}

import CFFmpeg
import Glibc

/// Audio that MP4 does not allow (G.711 A-law/µ-law, PCM, G.726, ADPCM) becomes AAC:
/// decode, resample to the encoder's planar float, cut into 1024-sample frames, encode.
/// Confined to the remux thread; its FFmpeg objects free themselves.
final class AudioTranscoder {
    private let decoder: CodecContext
    private let encoder: CodecContext
    private let resampler: Resampler
    private let fifo: AudioFIFO
    private let decoded: Frame
    private let converted: Frame
    private let inputTimeBase: AVRational
    private let output: OutputStream
    /// The next encoded frame's time, in samples.
    private var nextPTS: Int64?

    /// Reads `input`'s parameters now (its demuxer may go before this transcoder does).
    init(input: UnsafeMutablePointer<AVStream>, output: OutputStream) throws {
        self.output = output
        inputTimeBase = input.pointee.time_base
        let parameters = input.pointee.codecpar!
        guard let decoding = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw MediaError("find a decoder for \(String(cString: avcodec_get_name(parameters.pointee.codec_id)))", code: ivy_averror_invaliddata())
        }
        guard let encoding = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw MediaError("find the AAC encoder", code: ivy_averror_invaliddata()) }
        // Owners first, configured through their pointers: whatever throws below frees them.
        let decoderOwner = try CodecContext(decoding), encoderOwner = try CodecContext(encoding)
        let decoder = decoderOwner.pointer, encoder = encoderOwner.pointer

        try check(avcodec_parameters_to_context(decoder, parameters), "configure the audio decoder")
        decoder.pointee.pkt_timebase = inputTimeBase
        try decoderOwner.open("open the audio decoder")
        // Cameras' G.711 comes without a channel order ("1 channels"), which the AAC encoder
        // refuses: give both sides the standard layout for the channel count.
        let channels = max(1, decoder.pointee.ch_layout.nb_channels)
        if decoder.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || decoder.pointee.ch_layout.nb_channels == 0 {
            av_channel_layout_uninit(&decoder.pointee.ch_layout)
            av_channel_layout_default(&decoder.pointee.ch_layout, channels)
        }

        encoder.pointee.sample_rate = decoder.pointee.sample_rate
        av_channel_layout_default(&encoder.pointee.ch_layout, channels)
        encoder.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        encoder.pointee.bit_rate = Int64(min(128_000, max(24_000, Int(decoder.pointee.sample_rate) * 4 * Int(decoder.pointee.ch_layout.nb_channels))))
        encoder.pointee.time_base = AVRational(num: 1, den: decoder.pointee.sample_rate)
        if output.context.pointer.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            encoder.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        try encoderOwner.open("open the AAC encoder")
        try check(avcodec_parameters_from_context(output.pointer.pointee.codecpar, encoder), "describe the AAC stream")
        output.pointer.pointee.time_base = encoder.pointee.time_base
        resampler = try Resampler(from: decoder, to: encoder)
        fifo = try AudioFIFO(channels: channels, capacity: 2048)
        decoded = try Frame()
        converted = try Frame()
        self.decoder = decoderOwner
        self.encoder = encoderOwner
    }

    /// Takes one source packet (timestamps already on the output timeline, in the input's
    /// time base); writes whatever AAC it completes.
    func push(_ packet: UnsafeMutablePointer<AVPacket>?, write: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        let sent = avcodec_send_packet(decoder.pointer, packet)
        guard sent >= 0 || sent == ivy_averror_eof() else { throw MediaError("decode audio", code: sent) }
        while true {
            let received = avcodec_receive_frame(decoder.pointer, decoded.pointer)
            if received == ivy_averror(EAGAIN) || received == ivy_averror_eof() { break }
            try check(received, "decode audio")
            let start = decoded.pointer.pointee.best_effort_timestamp
            let at = start == ivy_av_nopts_value() ? nil : av_rescale_q(start, inputTimeBase, encoder.pointer.pointee.time_base)
            if nextPTS == nil {
                nextPTS = at ?? 0
            } else if let at, let next = nextPTS, at - (next + Int64(fifo.size)) > Int64(encoder.pointer.pointee.sample_rate) / 10 {
                // Over 100 ms with no audio (a muted or stalled microphone): what is buffered goes
                // out as it is, and the next samples start at their own time, so that the hole
                // stays a hole instead of pulling later audio early.
                if fifo.size > 0 { try encode(samples: fifo.size, write: write) }
                nextPTS = at
            }
            try convert(decoded.pointer)
            av_frame_unref(decoded.pointer)
            try encodeFull(write: write)
        }
        if packet == nil {
            try convert(nil)
            try encodeFull(write: write)
            if fifo.size > 0 { try encode(samples: fifo.size, write: write) }
            try drain(flush: true, write: write)
        }
    }

    /// Resamples `frame` (or what the resampler still holds, for `nil`) into the FIFO.
    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        av_frame_unref(converted.pointer)
        converted.pointer.pointee.sample_rate = encoder.pointer.pointee.sample_rate
        converted.pointer.pointee.format = encoder.pointer.pointee.sample_fmt.rawValue
        try check(av_channel_layout_copy(&converted.pointer.pointee.ch_layout, &encoder.pointer.pointee.ch_layout), "set the channel layout")
        try check(swr_convert_frame(resampler.pointer, converted.pointer, frame), "resample audio")
        guard converted.pointer.pointee.nb_samples > 0 else { return }
        let planes = UnsafeMutableRawPointer(converted.pointer.pointee.extended_data!).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        let written = av_audio_fifo_write(fifo.pointer, planes, converted.pointer.pointee.nb_samples)
        guard written == converted.pointer.pointee.nb_samples else { throw MediaError("buffer audio", code: written < 0 ? written : ivy_averror_invaliddata()) }
    }

    private func encodeFull(write: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        let frameSize = max(1, encoder.pointer.pointee.frame_size)
        while fifo.size >= frameSize { try encode(samples: frameSize, write: write) }
    }

    private func encode(samples: Int32, write: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        let owned = try Frame()
        let frame = owned.pointer
        frame.pointee.nb_samples = samples
        frame.pointee.format = encoder.pointer.pointee.sample_fmt.rawValue
        frame.pointee.sample_rate = encoder.pointer.pointee.sample_rate
        try check(av_channel_layout_copy(&frame.pointee.ch_layout, &encoder.pointer.pointee.ch_layout), "set the channel layout")
        try check(av_frame_get_buffer(frame, 0), "allocate audio samples")
        let planes = UnsafeMutableRawPointer(frame.pointee.extended_data!).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        guard av_audio_fifo_read(fifo.pointer, planes, samples) == samples else { throw MediaError("read buffered audio", code: ivy_averror_invaliddata()) }
        frame.pointee.pts = nextPTS ?? 0
        nextPTS = frame.pointee.pts + Int64(samples)
        try check(avcodec_send_frame(encoder.pointer, frame), "encode AAC")
        try drain(flush: false, write: write)
    }

    private func drain(flush: Bool, write: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        if flush { _ = avcodec_send_frame(encoder.pointer, nil) }
        let packet = try Packet()
        while true {
            let received = avcodec_receive_packet(encoder.pointer, packet.pointer)
            if received == ivy_averror(EAGAIN) || received == ivy_averror_eof() { return }
            try check(received, "encode AAC")
            packet.pointer.pointee.stream_index = output.pointer.pointee.index
            av_packet_rescale_ts(packet.pointer, encoder.pointer.pointee.time_base, output.pointer.pointee.time_base)
            try write(packet.pointer)
            av_packet_unref(packet.pointer)
        }
    }
}

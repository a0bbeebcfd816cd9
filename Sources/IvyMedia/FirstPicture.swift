import CFFmpeg
import Glibc
import IvyConcurrency

/// The first video frame of a file that decodes cleanly, from its first keyframe on: what a
/// thumbnail shows. Confined to the thread that made it.
final class FirstPicture {
    /// The decoded picture; its buffers are reference-counted, so it outlives the decoder.
    let frame: Frame
    /// The shape of one pixel (`sample_aspect_ratio`), as the stream or the frame says; 1:1
    /// when neither does.
    let sampleAspectRatio: AVRational
    /// Seconds from the start of the file's timeline.
    let time: Double

    /// Video packets read at most before giving up: a few GOPs of a camera's stream (seconds
    /// at 15-30 fps), so a damaged file costs a bounded read, not the whole clip.
    static let searchPackets = 300

    /// Opens `path` and decodes until a frame comes out whole.
    ///
    /// - Throws: `ThumbnailError.noVideoStream`, `.noDecodableFrame`; `MediaError`;
    ///   `CancellationError` (or an FFmpeg `AVERROR_EXIT`) once `interrupt` is set.
    init(path: String, interrupt: CancellationFlag) throws {
        let input = try InputContext(path: path, interrupt: interrupt)
        var found: UnsafePointer<AVCodec>?
        let index = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, &found, 0)
        guard index >= 0, let codec = found else {
            if !input.streams.contains(where: { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO }) {
                throw ThumbnailError.noVideoStream(path: path)
            }
            throw MediaError("find a video decoder for \(path)", code: index < 0 ? index : ivy_averror_invaliddata())
        }
        let stream = input.streams[Int(index)]
        // The demuxer hands over only the video packets.
        for (other, each) in input.streams.enumerated() where other != Int(index) { each.pointee.discard = AVDISCARD_ALL }

        let decoder = try CodecContext(codec)
        try check(avcodec_parameters_to_context(decoder.pointer, stream.pointee.codecpar), "set up the decoder")
        decoder.pointer.pointee.pkt_timebase = stream.pointee.time_base
        // A frame the decoder knows to be damaged (references lost in a hole) is not handed
        // out; its decoded successors are.
        decoder.pointer.pointee.flags &= ~AV_CODEC_FLAG_OUTPUT_CORRUPT
        try decoder.open("open the \(String(cString: codec.pointee.name)) decoder")

        let frame = try Self.decode(input: input, stream: index, decoder: decoder, path: path, interrupt: interrupt)
        self.frame = frame
        let guessed = av_guess_sample_aspect_ratio(input.pointer, stream, frame.pointer)
        sampleAspectRatio = guessed.num > 0 && guessed.den > 0 ? guessed : AVRational(num: 1, den: 1)
        let timestamp = frame.pointer.pointee.best_effort_timestamp
        let seconds = timestamp == ivy_av_nopts_value() ? 0 : Double(timestamp) * av_q2d(stream.pointee.time_base)
        // An MP4's timeline starts at 0, and a clip that starts with a hole has its first frame
        // later; an MPEG-TS timeline starts anywhere, so there the first packet is the start.
        let start = input.pointer.pointee.start_time
        let startsAnywhere = (input.pointer.pointee.iformat?.pointee.flags ?? 0) & AVFMT_TS_DISCONT != 0
        time = max(0, seconds - (startsAnywhere && start != ivy_av_nopts_value() ? Double(start) / Double(AV_TIME_BASE) : 0))
    }

    /// Reads video packets from the first keyframe on and returns the first clean frame.
    private static func decode(input: InputContext, stream index: Int32, decoder: CodecContext, path: String,
                               interrupt: CancellationFlag) throws -> Frame {
        let packet = try Packet()
        let frame = try Frame()
        var packets = 0
        var keyframeSeen = false
        var draining = false
        while true {
            try interrupt.check()
            if !draining {
                let read = packets < searchPackets ? av_read_frame(input.pointer, packet.pointer) : ivy_averror_eof()
                // Stopped (the interrupt callback): cancelled. Another failure ends the file
                // here, as for a clip cut short: what was read may still hold a frame.
                if read == ivy_averror_exit() { try check(read, "read \(path)") }
                if read < 0 {
                    draining = true
                    _ = avcodec_send_packet(decoder.pointer, nil)
                } else {
                    defer { av_packet_unref(packet.pointer) }
                    guard packet.pointer.pointee.stream_index == index else { continue }
                    packets += 1
                    // Frames before the first keyframe reference pictures the file does not hold.
                    if !keyframeSeen, packet.pointer.pointee.flags & AV_PKT_FLAG_KEY == 0 { continue }
                    keyframeSeen = true
                    // A packet the decoder refuses (damaged data) is skipped: the next may do.
                    _ = avcodec_send_packet(decoder.pointer, packet.pointer)
                }
            }
            while true {
                let received = avcodec_receive_frame(decoder.pointer, frame.pointer)
                if received == ivy_averror(EAGAIN) {
                    if draining { throw ThumbnailError.noDecodableFrame(path: path, packets: packets) }
                    break
                }
                if received == ivy_averror_eof() { throw ThumbnailError.noDecodableFrame(path: path, packets: packets) }
                // A decoding error of one frame: later packets may still give a good one.
                guard received >= 0 else { break }
                let damaged = frame.pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0 || frame.pointer.pointee.decode_error_flags != 0
                if !damaged, frame.pointer.pointee.width > 0, frame.pointer.pointee.height > 0 { return frame }
                av_frame_unref(frame.pointer)
            }
        }
    }
}

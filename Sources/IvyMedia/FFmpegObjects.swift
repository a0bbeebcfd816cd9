import CFFmpeg
import Glibc

// FFmpeg objects owned by Swift: each frees its C object in `deinit`, so a type holding several
// frees exactly what it had allocated when its initializer throws halfway. Confined to the
// thread that made them (not `Sendable`).

/// An `AVPacket`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws {
        guard let packet = av_packet_alloc() else { throw MediaError("allocate a packet", code: ivy_averror(ENOMEM)) }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}

/// An `AVFrame`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws {
        guard let frame = av_frame_alloc() else { throw MediaError("allocate a frame", code: ivy_averror(ENOMEM)) }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}

/// An `AVCodecContext` for `codec`, not yet opened.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>

    init(_ codec: UnsafePointer<AVCodec>) throws {
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError("allocate a \(String(cString: codec.pointee.name)) context", code: ivy_averror(ENOMEM))
        }
        pointer = context
        self.codec = codec
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    func open(_ what: String) throws {
        try check(avcodec_open2(pointer, codec, nil), what)
    }
}

/// A copy of a stream's `AVCodecParameters`, independent of the demuxer that read them.
final class CodecParameters {
    let pointer: UnsafeMutablePointer<AVCodecParameters>

    init(copying source: UnsafePointer<AVCodecParameters>) throws {
        guard let parameters = avcodec_parameters_alloc() else { throw MediaError("allocate codec parameters", code: ivy_averror(ENOMEM)) }
        pointer = parameters
        try check(avcodec_parameters_copy(parameters, source), "copy codec parameters")
    }

    deinit {
        var parameters: UnsafeMutablePointer<AVCodecParameters>? = pointer
        avcodec_parameters_free(&parameters)
    }
}

/// An `AVAudioFifo` of planar float samples.
final class AudioFIFO {
    let pointer: OpaquePointer

    init(channels: Int32, capacity: Int32) throws {
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, max(1, channels), capacity) else {
            throw MediaError("allocate an audio buffer", code: ivy_averror(ENOMEM))
        }
        pointer = fifo
    }

    deinit { av_audio_fifo_free(pointer) }

    var size: Int32 { av_audio_fifo_size(pointer) }
}

/// A `SwrContext` converting between two sample formats, rates and layouts.
final class Resampler {
    private(set) var pointer: OpaquePointer?

    init(from input: UnsafeMutablePointer<AVCodecContext>, to output: UnsafeMutablePointer<AVCodecContext>) throws {
        try check(swr_alloc_set_opts2(&pointer, &output.pointee.ch_layout, output.pointee.sample_fmt, output.pointee.sample_rate,
                                      &input.pointee.ch_layout, input.pointee.sample_fmt, input.pointee.sample_rate, 0, nil),
                  "prepare the resampler")
        try check(swr_init(pointer), "start the resampler")
    }

    deinit { swr_free(&pointer) }
}

/// A stream of an `OutputContext`, by index: the context owns the `AVStream`, and the
/// `unowned` reference says it outlives every user of this handle.
struct OutputStream {
    unowned let context: OutputContext
    let index: Int32

    var pointer: UnsafeMutablePointer<AVStream> { context.pointer.pointee.streams[Int(index)]! }
}

import CFFmpeg
import Glibc
import IvyConcurrency

/// An opened media input (`AVFormatContext` for demuxing), from a file or from a `ByteQueue`
/// through a custom `AVIOContext`. Owns the C objects and frees them in `deinit`; confined to
/// the thread that uses it, so it is not `Sendable`.
final class InputContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// Our read context, when reading from a queue; FFmpeg does not free a custom `pb`.
    private var customIO: UnsafeMutablePointer<AVIOContext>?
    /// Keeps the queue alive as long as FFmpeg may call back into it.
    private let source: ByteQueue?
    /// Read by FFmpeg's interrupt callback, so kept alive as long as the context.
    let interrupt: CancellationFlag

    /// Opens a file; reads stop (`AVERROR_EXIT`) once `interrupt` is set.
    init(path: String, interrupt: CancellationFlag) throws {
        FFmpegSetup.once
        self.interrupt = interrupt
        guard var context = avformat_alloc_context() else { throw MediaError("allocate the input context", code: ivy_averror(ENOMEM)) }
        context.pointee.interrupt_callback = interrupt.interruptCallback
        var optional: UnsafeMutablePointer<AVFormatContext>? = context
        // On failure, avformat_open_input frees the context.
        let opened = avformat_open_input(&optional, path, nil, nil)
        guard opened >= 0, let opened_ = optional else { throw MediaError("open \(path)", code: opened) }
        context = opened_
        pointer = context
        source = nil
        try findStreamInfo()
    }

    /// Bytes a streamed input's header may be looked for in: 512 KiB, seconds of a camera's
    /// stream.
    static let headerProbeBytes: Int64 = 512 << 10

    /// Reads what `queue` is handed; the queue's own failure stops a read, `interrupt` the rest.
    init(queue: ByteQueue, interrupt: CancellationFlag) throws {
        FFmpegSetup.once
        source = queue
        self.interrupt = interrupt
        let size: Int32 = 1 << 16
        guard let buffer = av_malloc(Int(size))?.assumingMemoryBound(to: UInt8.self),
            let io = avio_alloc_context(buffer, size, 0, Unmanaged.passUnretained(queue).toOpaque(), { opaque, buffer, size in
                let queue = Unmanaged<ByteQueue>.fromOpaque(opaque!).takeUnretainedValue()
                switch queue.read(into: buffer!, count: Int(size)) {
                case .bytes(let count): return Int32(count)
                case .end: return ivy_averror_eof()
                case .failed: return ivy_averror_exit()
                }
            }, nil, nil)
        else { throw MediaError("allocate the input buffer", code: ivy_averror(ENOMEM)) }
        customIO = io
        guard var context = avformat_alloc_context() else {
            Self.free(io)
            throw MediaError("allocate the input context", code: ivy_averror(ENOMEM))
        }
        context.pointee.pb = io
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        context.pointee.interrupt_callback = interrupt.interruptCallback
        // The MPEG-TS demuxer makes the read buffer able to seek back over `probesize` bytes
        // while it reads the header (mpegts_read_header's ffio_ensure_seekback): with the 5 MB
        // default, every clip's remux came to hold 5 MB of buffer for its whole life. The
        // tables it looks for repeat every fraction of a second; the stream info that follows
        // reads packets, not this buffer, and gets the default again.
        let probesize = context.pointee.probesize
        context.pointee.probesize = Self.headerProbeBytes
        var optional: UnsafeMutablePointer<AVFormatContext>? = context
        let opened = avformat_open_input(&optional, nil, nil, nil)
        guard opened >= 0, let opened_ = optional else {
            Self.free(io)
            throw MediaError("recognize the media", code: opened)
        }
        context = opened_
        context.pointee.probesize = probesize
        pointer = context
        try findStreamInfo()
    }

    private func findStreamInfo() throws {
        let found = avformat_find_stream_info(pointer, nil)
        guard found >= 0 else { throw MediaError("read the stream info", code: found) }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
        if let customIO { Self.free(customIO) }
    }

    /// FFmpeg may have replaced the buffer we gave it: free whatever it holds now.
    private static func free(_ io: UnsafeMutablePointer<AVIOContext>) {
        av_freep(&io.pointee.buffer)
        var context: UnsafeMutablePointer<AVIOContext>? = io
        avio_context_free(&context)
    }

    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(pointer.pointee.nb_streams)).compactMap { pointer.pointee.streams[$0] }
    }
}

import CFFmpeg
import Glibc

/// An opened media input (`AVFormatContext` for demuxing), from a file or from a `ByteQueue`
/// through a custom `AVIOContext`. Owns the C objects and frees them in `deinit`; confined to
/// the thread that uses it, so it is not `Sendable`.
final class InputContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// Our read context, when reading from a queue; FFmpeg does not free a custom `pb`.
    private var customIO: UnsafeMutablePointer<AVIOContext>?
    /// Keeps the queue alive as long as FFmpeg may call back into it.
    private let source: ByteQueue?

    init(path: String) throws {
        FFmpegSetup.once
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let opened = avformat_open_input(&context, path, nil, nil)
        guard opened >= 0, let context else { throw MediaError("open \(path)", code: opened) }
        pointer = context
        source = nil
        try findStreamInfo()
    }

    init(queue: ByteQueue) throws {
        FFmpegSetup.once
        source = queue
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
        var optional: UnsafeMutablePointer<AVFormatContext>? = context
        let opened = avformat_open_input(&optional, nil, nil, nil)
        guard opened >= 0, let opened_ = optional else {
            Self.free(io)
            throw MediaError("recognize the media", code: opened)
        }
        context = opened_
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

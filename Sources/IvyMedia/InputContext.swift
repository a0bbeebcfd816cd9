import CFFmpeg

/// An opened media input (`AVFormatContext` for demuxing). Owns the C context and frees it in
/// `deinit`; confined to the thread that uses it, so it is not `Sendable`.
final class InputContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>

    init(path: String) throws {
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let opened = avformat_open_input(&context, path, nil, nil)
        guard opened >= 0, let context else { throw MediaError("open \(path)", code: opened) }
        pointer = context
        let found = avformat_find_stream_info(context, nil)
        guard found >= 0 else { throw MediaError("read stream info of \(path)", code: found) }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }

    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(pointer.pointee.nb_streams)).compactMap { pointer.pointee.streams[$0] }
    }
}

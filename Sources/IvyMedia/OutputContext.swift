import CFFmpeg
import IvyConcurrency

/// An MP4 being written (`AVFormatContext` for muxing, with its file). Frees everything in
/// `deinit`; confined to the remux thread.
final class OutputContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private var opened = false
    /// Read by FFmpeg's interrupt callback, so kept alive as long as the context.
    let interrupt: CancellationFlag

    /// Creates `path`; writes (and the faststart pass) stop once `interrupt` is set.
    init(path: String, interrupt: CancellationFlag) throws {
        self.interrupt = interrupt
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let allocated = avformat_alloc_output_context2(&context, nil, "mp4", path)
        guard allocated >= 0, let context else { throw MediaError("prepare the MP4 muxer", code: allocated) }
        pointer = context
        pointer.pointee.interrupt_callback = interrupt.interruptCallback
        var callback = interrupt.interruptCallback
        let io = avio_open2(&pointer.pointee.pb, path, AVIO_FLAG_WRITE, &callback, nil)
        guard io >= 0 else { throw MediaError("create \(path)", code: io) }
        opened = true
    }

    deinit {
        if opened { avio_closep(&pointer.pointee.pb) }
        avformat_free_context(pointer)
    }

    func addStream() throws -> OutputStream {
        guard let stream = avformat_new_stream(pointer, nil) else { throw MediaError("add a stream", code: ivy_averror_invaliddata()) }
        return OutputStream(context: self, index: stream.pointee.index)
    }

    func setMetadata(_ key: String, _ value: String) {
        av_dict_set(&pointer.pointee.metadata, key, value, 0)
    }

    /// A chapter (times in milliseconds): before `writeHeader`, which sizes the chapter track.
    func addChapter(id: Int64, start: Int64, end: Int64, title: String) throws {
        guard let chapter = av_mallocz(MemoryLayout<AVChapter>.size)?.assumingMemoryBound(to: AVChapter.self) else {
            throw MediaError("add a chapter", code: ivy_averror(ENOMEM))
        }
        chapter.pointee.id = id
        chapter.pointee.time_base = AVRational(num: 1, den: 1000)
        chapter.pointee.start = start
        chapter.pointee.end = end
        av_dict_set(&chapter.pointee.metadata, "title", title, 0)
        // The context owns its chapters from here on (avformat_free_context frees them).
        var count = Int32(pointer.pointee.nb_chapters)
        let added = av_dynarray_add_nofree(&pointer.pointee.chapters, &count, chapter)
        guard added >= 0 else {
            av_dict_free(&chapter.pointee.metadata)
            av_free(chapter)
            throw MediaError("add a chapter", code: added)
        }
        pointer.pointee.nb_chapters = UInt32(count)
    }

    /// `+faststart`: the muxer rewrites the file so that `moov` comes before `mdat`.
    func writeHeader() throws {
        var options: OpaquePointer? = nil
        av_dict_set(&options, "movflags", "+faststart", 0)
        defer { av_dict_free(&options) }
        let written = avformat_write_header(pointer, &options)
        guard written >= 0 else { throw MediaError("write the MP4 header", code: written) }
    }

    func write(_ packet: UnsafeMutablePointer<AVPacket>) throws {
        let written = av_interleaved_write_frame(pointer, packet)
        guard written >= 0 else { throw MediaError("write a packet", code: written) }
    }

    func finish() throws {
        let written = av_write_trailer(pointer)
        guard written >= 0 else { throw MediaError("finish the MP4", code: written) }
        avio_closep(&pointer.pointee.pb)
        opened = false
    }
}

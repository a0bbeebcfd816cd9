import CFFmpeg
import IvyConcurrency

extension MediaInfo {
    /// A stretch of a file's timeline that no stream has media in.
    public struct Hole: Sendable, Equatable {
        /// Seconds from the timeline's zero (an archived clip's: its recording's start).
        public var start: Double
        public var duration: Double
    }

    /// The stretches of the file without pictures (without sound, in a file with no video):
    /// before its first packet, and wherever the stream steps over `RemuxSummary.holeSeconds`
    /// (what a remux of a recording with `EXT-X-GAP`s or missing segments leaves; the remux may
    /// fill the sound with silence there, so sound alone does not cover a hole). One pass over
    /// the packets, on its own thread, stopped by cancellation.
    ///
    /// - Throws: `MediaError` when the file cannot be read; `CancellationError`.
    public static func holes(path: String) async throws -> [Hole] {
        try await BlockingThread.media(name: "ivy-holes") { interrupt in try holes(path: path, interrupt: interrupt) }
    }

    static func holes(path: String, interrupt: CancellationFlag) throws -> [Hole] {
        let input = try InputContext(path: path, interrupt: interrupt)
        let packet = try Packet()
        let nopts = ivy_av_nopts_value()
        let bases = input.streams.map { $0.pointee.time_base }
        let kinds = input.streams.map { $0.pointee.codecpar.pointee.codec_type }
        let wanted = kinds.contains(AVMEDIA_TYPE_VIDEO) ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO
        // Per stream, the spans its packets cover, steps up to `holeSeconds` bridged.
        var spans: [(start: Double, end: Double)] = []
        var open: [Int32: (start: Double, end: Double)] = [:]
        while true {
            try input.interrupt.check()
            let read = av_read_frame(input.pointer, packet.pointer)
            if read == ivy_averror_eof() { break }
            guard read >= 0 else { throw MediaError("read \(path)", code: read) }
            defer { av_packet_unref(packet.pointer) }
            let p = packet.pointer.pointee
            guard p.pts != nopts, Int(p.stream_index) < bases.count, kinds[Int(p.stream_index)] == wanted else { continue }
            let base = bases[Int(p.stream_index)]
            let start = Double(p.pts) * Double(base.num) / Double(base.den)
            // In MP4 a sample lasts until the next one's decode time: the frame before a hole
            // "lasts" the whole hole. No frame or audio packet really lasts half a second.
            let end = start + min(Double(max(p.duration, 0)) * Double(base.num) / Double(base.den), 0.5)
            if var span = open[p.stream_index], start - span.end <= RemuxSummary.holeSeconds, start >= span.start {
                span.end = max(span.end, end)
                open[p.stream_index] = span
            } else {
                if let span = open[p.stream_index] { spans.append(span) }
                open[p.stream_index] = (start, end)
            }
        }
        spans += open.values
        var holes: [Hole] = []
        var cursor = 0.0
        for span in spans.sorted(by: { $0.start < $1.start }) {
            if span.start - cursor > RemuxSummary.holeSeconds / 2 { holes.append(Hole(start: cursor, duration: span.start - cursor)) }
            cursor = max(cursor, span.end)
        }
        return holes
    }
}

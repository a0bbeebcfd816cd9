import CFFmpeg

/// Where a file's video frames are, without their data: one pass over the packets, so that a
/// join can choose its cuts (and its chapters) before it writes anything.
struct PacketIndex {
    struct Entry {
        var pts: Int64
        var dts: Int64
        var duration: Int64
        var key: Bool
    }

    /// In decode order.
    var video: [Entry] = []
    var timeBase: AVRational
    /// The first frame's presentation time: second 0 of the recording.
    var origin: Int64 = 0
    /// Just after the last frame.
    var end: Int64 = 0
    /// B-frames: presentation order differs from decode order.
    var reorders = false
    /// How far decode times run ahead of presentation times (B-frames), in the time base.
    var delay: Int64 = 0

    static func scan(_ input: InputContext, video stream: UnsafeMutablePointer<AVStream>) throws -> PacketIndex {
        var index = PacketIndex(timeBase: stream.pointee.time_base)
        let packet = try Packet()
        let nopts = ivy_av_nopts_value()
        while true {
            try input.interrupt.check()
            let read = av_read_frame(input.pointer, packet.pointer)
            if read == ivy_averror_eof() { break }
            guard read >= 0 else { throw MediaError("read \(String(cString: input.pointer.pointee.url))", code: read) }
            defer { av_packet_unref(packet.pointer) }
            let p = packet.pointer.pointee
            guard p.stream_index == stream.pointee.index, p.pts != nopts else { continue }
            let dts = p.dts == nopts ? p.pts : p.dts
            index.video.append(Entry(pts: p.pts, dts: dts, duration: p.duration, key: p.flags & AV_PKT_FLAG_KEY != 0))
            if p.pts != dts { index.reorders = true }
            index.delay = max(index.delay, p.pts - dts)
        }
        guard let first = index.video.min(by: { $0.pts < $1.pts }), let last = index.video.max(by: { $0.pts < $1.pts }) else {
            throw MediaError("find a video frame in \(String(cString: input.pointer.pointee.url))", code: ivy_averror_invaliddata())
        }
        index.origin = first.pts
        index.end = last.pts + max(last.duration, 1)
        return index
    }

    /// The last keyframe at or before `pts`, or the first keyframe when there is none.
    func keyframe(atOrBefore pts: Int64) -> Entry? {
        let keys = video.filter(\.key)
        return keys.last { $0.pts <= pts } ?? keys.first
    }

    /// The first keyframe at or after `pts`.
    func keyframe(atOrAfter pts: Int64) -> Entry? {
        video.first { $0.key && $0.pts >= pts }
    }

    /// `seconds` after the origin, in the stream's time base.
    func pts(atSecond seconds: Double) -> Int64 {
        origin + Int64((seconds * Double(timeBase.den) / Double(timeBase.num)).rounded())
    }

    func seconds(_ pts: Int64) -> Double {
        Double(pts - origin) * Double(timeBase.num) / Double(timeBase.den)
    }
}

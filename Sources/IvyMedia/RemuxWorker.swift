import CFFmpeg
import Foundation
import IvyConcurrency

/// The remux itself, on its own thread: demux the input (part by part, when a new
/// initialization section starts a new one), copy video and AAC, transcode audio MP4 does not
/// allow, put every packet on one timeline, write a faststart MP4. Everything FFmpeg is created,
/// used and freed here.
struct RemuxWorker: Sendable {
    /// How long a recording that starts mid-GOP may run before its first keyframe: frames before
    /// it cannot be decoded and are dropped; past this, the stream has no keyframe flags worth
    /// trusting (intra refresh) and its frames are kept as they are.
    static let keyframeSearchMicroseconds: Int64 = 10_000_000

    let source: RemuxSource
    let outputPath: String
    let metadata: RemuxMetadata

    /// Stops, throwing, once `interrupt` is set.
    func run(interrupt: CancellationFlag) throws -> RemuxSummary {
        var input = try open(interrupt: interrupt)
        let output = try OutputContext(path: outputPath, interrupt: interrupt)
        let tracks = try RemuxTracks(first: input, output: output)
        if let title = metadata.title { output.setMetadata("title", title) }
        if let creation = metadata.creationTime { output.setMetadata("creation_time", creation) }
        if let comment = metadata.comment { output.setMetadata("comment", comment) }
        output.setMetadata("encoder", "IvyArchiver")
        try output.writeHeader()

        var loop = try PacketLoop(tracks: tracks, output: output)
        // Read once the input has opened, which needs its first bytes: the producer said by then.
        if case .queue(let queue) = source.kind { loop.normalizer.timelineStart = queue.leadingMicroseconds }
        var part = 1
        while true {
            try loop.copy(from: input)
            guard case .queue(let queue) = source.kind, queue.nextPart() else { break }
            part += 1
            input = try InputContext(queue: queue, interrupt: interrupt)
            try tracks.mapNextPart(input, part: part)
            loop.normalizer.startPart()
        }
        try loop.flushHeldFrames()
        for transcoder in tracks.transcoders { try transcoder.push(nil) { try output.write($0) } }
        try output.finish()
        return loop.summary(parts: part)
    }

    private func open(interrupt: CancellationFlag) throws -> InputContext {
        switch source.kind {
        case .file(let path): return try InputContext(path: path, interrupt: interrupt)
        case .queue(let queue): return try InputContext(queue: queue, interrupt: interrupt)
        }
    }
}

/// Reads packets and writes them on the output timeline: the state of one remux's packet flow.
private struct PacketLoop {
    let tracks: RemuxTracks
    let output: OutputContext
    var normalizer = TimestampNormalizer()
    var outputTimes = OutputTimestamps()
    let packet: Packet
    /// Video frames before the first keyframe, held until it comes (then dropped) or until the
    /// search gives up (then written).
    var held: [Packet] = []
    var heldTimeBase = AVRational(num: 1, den: 90_000)
    var awaitingKeyframe: Bool
    var firstHeldTime: Int64?
    var droppedLeadingFrames = 0
    var videoFrames = 0
    var coverage = MediaCoverage()
    var droppedLeadingMicroseconds: Int64 = 0
    var start: Int64?
    var end: Int64?
    static let microseconds = ivy_av_time_base_q()

    init(tracks: RemuxTracks, output: OutputContext) throws {
        self.tracks = tracks
        self.output = output
        self.packet = try Packet()
        awaitingKeyframe = tracks.video != nil
    }

    mutating func copy(from input: InputContext) throws {
        while true {
            try input.interrupt.check()
            let read = av_read_frame(input.pointer, packet.pointer)
            if read == ivy_averror_eof() { return }
            try check(read, "read the input")
            defer { av_packet_unref(packet.pointer) }
            let index = Int(packet.pointer.pointee.stream_index)
            guard let route = tracks.routes[index] else { continue }
            let timeBase = input.streams[index].pointee.time_base
            if case .copy(_, video: true) = route, awaitingKeyframe {
                try holdUntilKeyframe(packet.pointer, timeBase: timeBase, route: route, stream: index)
                continue
            }
            try place(packet.pointer, timeBase: timeBase, route: route, stream: index)
        }
    }

    /// A recording cut mid-GOP starts with frames whose reference is not in the file: they are
    /// held until the first keyframe, and dropped then, so that the MP4 decodes from its first
    /// frame (as `ffmpeg -c copy` does).
    private mutating func holdUntilKeyframe(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, route: RemuxTracks.Route, stream: Int) throws {
        if packet.pointee.flags & AV_PKT_FLAG_KEY != 0 {
            droppedLeadingFrames += held.count
            let time = packet.pointee.dts != ivy_av_nopts_value() ? packet.pointee.dts : packet.pointee.pts
            if let first = firstHeldTime, time != ivy_av_nopts_value() {
                droppedLeadingMicroseconds = max(0, av_rescale_q(time, timeBase, Self.microseconds) - first)
            }
            held.removeAll()
            awaitingKeyframe = false
            try place(packet, timeBase: timeBase, route: route, stream: stream)
            return
        }
        let time = packet.pointee.dts != ivy_av_nopts_value() ? packet.pointee.dts : packet.pointee.pts
        if time != ivy_av_nopts_value() {
            let at = av_rescale_q(time, timeBase, Self.microseconds)
            if firstHeldTime == nil {
                firstHeldTime = at
                // The dropped lead-in still says where the recording starts: the first keyframe
                // keeps its place instead of moving to zero.
                normalizer.anchor(raw: at)
            }
            if let first = firstHeldTime, at - first > RemuxWorker.keyframeSearchMicroseconds {
                awaitingKeyframe = false
                try flushHeldFrames()
                try place(packet, timeBase: timeBase, route: route, stream: stream)
                return
            }
        }
        let copy = try Packet()
        try check(av_packet_ref(copy.pointer, packet), "hold a packet")
        held.append(copy)
        heldTimeBase = timeBase
    }

    /// Writes the held frames as they are: no keyframe came to start from.
    mutating func flushHeldFrames() throws {
        let frames = held
        held.removeAll()
        awaitingKeyframe = false
        guard let video = tracks.video else { return }
        for frame in frames {
            try place(frame.pointer, timeBase: heldTimeBase, route: .copy(output: video, video: true), stream: Int(frame.pointer.pointee.stream_index))
        }
    }

    private mutating func place(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational, route: RemuxTracks.Route, stream: Int) throws {
        let nopts = ivy_av_nopts_value()
        let p = packet.pointee
        guard let adjusted = normalizer.adjust(
            stream: stream,
            dts: p.dts == nopts ? nil : av_rescale_q(p.dts, timeBase, Self.microseconds),
            pts: p.pts == nopts ? nil : av_rescale_q(p.pts, timeBase, Self.microseconds),
            duration: av_rescale_q(p.duration, timeBase, Self.microseconds))
        else { return }
        coverage.add(stream: stream, at: adjusted.dts, duration: av_rescale_q(p.duration, timeBase, Self.microseconds))
        start = min(start ?? adjusted.dts, adjusted.dts)
        end = max(end ?? adjusted.pts, adjusted.pts + max(0, av_rescale_q(p.duration, timeBase, Self.microseconds)))
        packet.pointee.dts = av_rescale_q(adjusted.dts, Self.microseconds, timeBase)
        packet.pointee.pts = av_rescale_q(adjusted.pts, Self.microseconds, timeBase)
        switch route {
        case .copy(let track, let isVideo):
            let out = track.pointer
            packet.pointee.stream_index = out.pointee.index
            av_packet_rescale_ts(packet, timeBase, out.pointee.time_base)
            let placed = outputTimes.place(stream: out.pointee.index, dts: packet.pointee.dts, pts: packet.pointee.pts)
            packet.pointee.dts = placed.dts
            packet.pointee.pts = placed.pts
            packet.pointee.pos = -1
            if isVideo {
                videoFrames += 1
                if let sets = tracks.pendingParameterSets, packet.pointee.flags & AV_PKT_FLAG_KEY != 0 {
                    tracks.pendingParameterSets = nil
                    let data = UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size))
                    let restored = try Packet(bytes: sets + Array(data), propertiesOf: packet)
                    restored.pointer.pointee.stream_index = out.pointee.index
                    try write(restored.pointer, in: out, video: true)
                    return
                }
            }
            try write(packet, in: out, video: isVideo)
        case .transcode(let transcoder):
            try transcoder.push(packet) { try output.write($0) }
        }
    }

    /// Writes one packet; a refusal names the packet, not only FFmpeg's "Invalid argument".
    private func write(_ packet: UnsafeMutablePointer<AVPacket>, in stream: UnsafeMutablePointer<AVStream>, video: Bool) throws {
        let dts = packet.pointee.dts
        let pts = packet.pointee.pts
        let timeBase = stream.pointee.time_base
        do {
            try output.write(packet)
        } catch let error as MediaError {
            let seconds = Double(dts) * Double(timeBase.num) / Double(max(1, timeBase.den))
            throw MediaError("write the \(video ? "video" : "audio") packet at \(String(format: "%.3f", seconds)) s "
                + "(dts \(dts), pts \(pts) in 1/\(timeBase.den))", code: error.code)
        }
    }

    func summary(parts: Int) -> RemuxSummary {
        var summary = tracks.summary
        summary.discontinuities = normalizer.discontinuities
        summary.timestampCorrections = outputTimes.corrections + normalizer.localCorrections
        summary.droppedLeadingFrames = droppedLeadingFrames
        summary.videoFrames = videoFrames
        summary.coveredSeconds = coverage.seconds
        summary.droppedLeadingSeconds = Double(droppedLeadingMicroseconds) / 1_000_000
        summary.parts = parts
        if let start, let end { summary.duration = Double(end - start) / 1_000_000 }
        return summary
    }
}

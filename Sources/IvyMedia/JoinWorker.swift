import CFFmpeg
import IvyConcurrency

/// The join itself, on its own thread: a first pass indexes each piece's frames and chooses
/// its cuts (so the chapters are known before the header), a second copies the packets onto
/// one timeline, re-encoding partial GOPs where `exact` asks for it.
struct JoinWorker: Sendable {
    let parts: [JoinPart]
    let outputPath: String
    let metadata: RemuxMetadata
    let exact: Bool

    /// One piece's cuts, in its video stream's time base.
    private struct Cut {
        var index: PacketIndex
        /// Where the piece's timeline starts: a keyframe, or with `exact` the asked frame.
        var start: Int64
        /// Exclusive.
        var end: Int64
        /// Packets are copied from this keyframe on.
        var copyFrom: Int64
        /// With `exact` and a start inside a GOP: the GOP's keyframe, decoded from there.
        var reencodeFrom: Int64?

        var durationMicroseconds: Int64 { av_rescale_q(end - start, index.timeBase, ivy_av_time_base_q()) }
    }

    /// The output's streams and what the copied frames need to stay decodable.
    private struct Tracks {
        var video: OutputStream
        var audio: OutputStream?
        var codec: AVCodecID
        var width: Int32
        var height: Int32
        /// The track's own parameter sets, length-prefixed, and the NAL length size.
        var parameterSets: [UInt8]
        var lengthSize: Int
        var lastDTS: [Int32: Int64] = [:]
    }

    /// Stops, throwing, once `interrupt` is set.
    func run(interrupt: CancellationFlag) throws -> JoinSummary {
        var cuts: [Cut] = []
        var first: InputContext?
        for part in parts {
            let input = try InputContext(path: part.path, interrupt: interrupt)
            let index = try PacketIndex.scan(input, video: try Self.videoStream(input, part.path))
            cuts.append(try cut(part, index))
            // The first piece's streams shape the output's.
            if first == nil { first = input }
        }

        guard let first else { throw MediaError("join", message: "nothing to join") }
        let output = try OutputContext(path: outputPath, interrupt: interrupt)
        var summary = JoinSummary()
        var tracks = try makeTracks(output, first: first, summary: &summary)
        var offset: Int64 = 0
        var chapterID: Int64 = 0
        for (part, cut) in zip(parts, cuts) {
            let end = offset + cut.durationMicroseconds
            let cutStart = cut.index.seconds(cut.start)
            // Chapters may not overlap: each one ends where the next starts.
            var starts: [(at: Int64, title: String)] = [(offset, part.chapter(cutStart))]
            for mark in part.marks.sorted(by: { $0.at < $1.at }) {
                let at = offset + Int64(((mark.at - cutStart) * 1_000_000).rounded())
                if at > starts[starts.count - 1].at, at < end { starts.append((at, mark.title)) }
            }
            for (index, start) in starts.enumerated() {
                chapterID += 1
                let stop = index + 1 < starts.count ? starts[index + 1].at : end
                try output.addChapter(id: chapterID, start: start.at / 1000, end: stop / 1000, title: start.title)
            }
            offset = end
        }
        if let title = metadata.title { output.setMetadata("title", title) }
        if let creation = metadata.creationTime { output.setMetadata("creation_time", creation) }
        output.setMetadata("encoder", "IvyArchiver")
        try output.writeHeader()

        offset = 0
        for (part, cut) in zip(parts, cuts) {
            let frames = try copy(part, cut, offset: offset, into: output, tracks: &tracks)
            let seconds = Double(offset) / 1e6, length = Double(cut.durationMicroseconds) / 1e6
            summary.parts.append(JoinedPart(from: cut.index.seconds(cut.start), to: cut.index.seconds(cut.end),
                                            outputStart: seconds, outputEnd: seconds + length, reencodedFrames: frames))
            offset += cut.durationMicroseconds
        }
        try output.finish()
        summary.duration = Double(offset) / 1e6
        return summary
    }

    private static func videoStream(_ input: InputContext, _ path: String) throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = input.streams.first(where: { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO }) else {
            throw MediaError("join \(path)", message: "it has no video")
        }
        return stream
    }

    private static func audioStream(_ input: InputContext) -> UnsafeMutablePointer<AVStream>? {
        input.streams.first { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
    }

    private func cut(_ part: JoinPart, _ index: PacketIndex) throws -> Cut {
        let askedFrom = max(index.origin, part.from.map(index.pts(atSecond:)) ?? index.origin)
        let askedTo = min(index.end, part.to.map(index.pts(atSecond:)) ?? index.end)
        guard askedTo > askedFrom, let key = index.keyframe(atOrBefore: askedFrom) else {
            throw MediaError("cut \(part.path)", message: "no frame between \(part.from ?? 0) s and \(part.to ?? 0) s")
        }
        guard exact else {
            let end = index.keyframe(atOrAfter: askedTo)?.pts ?? index.end
            return Cut(index: index, start: key.pts, end: end, copyFrom: key.pts)
        }
        // With B-frames a frame-exact end could drop a frame that later ones refer to.
        let end = index.reorders ? index.keyframe(atOrAfter: askedTo)?.pts ?? index.end : askedTo
        let first = index.video.filter { $0.pts >= askedFrom }.min { $0.pts < $1.pts }?.pts ?? key.pts
        if first == key.pts { return Cut(index: index, start: key.pts, end: end, copyFrom: key.pts) }
        let next = index.keyframe(atOrAfter: first)?.pts ?? index.end
        return Cut(index: index, start: first, end: end, copyFrom: next, reencodeFrom: key.pts)
    }

    private func makeTracks(_ output: OutputContext, first input: InputContext, summary: inout JoinSummary) throws -> Tracks {
        let source = try Self.videoStream(input, parts[0].path)
        let videoTrack = try output.addStream()
        let video = videoTrack.pointer
        try check(avcodec_parameters_copy(video.pointee.codecpar, source.pointee.codecpar), "copy the video parameters")
        let codec = source.pointee.codecpar.pointee.codec_id
        video.pointee.codecpar.pointee.codec_tag = codec == AV_CODEC_ID_HEVC ? ivy_mktag(104, 118, 99, 49) : 0
        video.pointee.time_base = source.pointee.time_base
        summary.video = String(cString: avcodec_get_name(codec))
        let parameters = source.pointee.codecpar.pointee
        let extradata = parameters.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(parameters.extradata_size))) } ?? []
        let sets = ParameterSets.parse(extradata, hevc: codec == AV_CODEC_ID_HEVC)
        var audio: OutputStream?
        if let sourceAudio = Self.audioStream(input), RemuxTracks.copyableAudio.contains(sourceAudio.pointee.codecpar.pointee.codec_id.rawValue) {
            let track = try output.addStream()
            let stream = track.pointer
            try check(avcodec_parameters_copy(stream.pointee.codecpar, sourceAudio.pointee.codecpar), "copy the audio parameters")
            stream.pointee.codecpar.pointee.codec_tag = 0
            stream.pointee.time_base = sourceAudio.pointee.time_base
            audio = track
            summary.audio = String(cString: avcodec_get_name(sourceAudio.pointee.codecpar.pointee.codec_id))
        }
        return Tracks(video: videoTrack, audio: audio, codec: codec, width: parameters.width, height: parameters.height,
                      parameterSets: sets.map { ParameterSets.lengthPrefixed($0.units, lengthSize: $0.lengthSize) } ?? [],
                      lengthSize: sets?.lengthSize ?? 4)
    }

    /// Copies one piece onto the timeline at `offset` microseconds; returns the frames it re-encoded.
    private func copy(_ part: JoinPart, _ cut: Cut, offset: Int64, into output: OutputContext, tracks: inout Tracks) throws -> Int {
        let input = try InputContext(path: part.path, interrupt: output.interrupt)
        let video = try Self.videoStream(input, part.path)
        let parameters = video.pointee.codecpar.pointee
        guard parameters.codec_id == tracks.codec, parameters.width == tracks.width, parameters.height == tracks.height else {
            throw MediaError("join \(part.path)", message: "its video (\(String(cString: avcodec_get_name(parameters.codec_id))) "
                + "\(parameters.width)x\(parameters.height)) differs from the first clip's; it cannot be joined without re-encoding")
        }
        let audio = tracks.audio == nil ? nil : Self.audioStream(input)
        if let audio, let out = tracks.audio {
            let a = audio.pointee.codecpar.pointee, b = out.pointer.pointee.codecpar.pointee
            guard a.codec_id == b.codec_id, a.sample_rate == b.sample_rate else {
                throw MediaError("join \(part.path)", message: "its audio differs from the first clip's")
            }
        }
        let videoTimeBase = video.pointee.time_base
        let microseconds = ivy_av_time_base_q()
        let start = av_rescale_q(cut.start, videoTimeBase, microseconds)
        let end = av_rescale_q(cut.end, videoTimeBase, microseconds)
        var reencoder = try cut.reencodeFrom.map { _ in
            try GOPReencoder(stream: video, keep: cut.start..<min(cut.copyFrom, cut.end), lengthSize: tracks.lengthSize)
        }
        var frames = 0
        var restoreParameterSets = false

        /// Moves a packet from the piece's time base onto the output's timeline and writes it.
        func place(_ packet: UnsafeMutablePointer<AVPacket>, from timeBase: AVRational, to stream: UnsafeMutablePointer<AVStream>, tracks: inout Tracks) throws {
            let nopts = ivy_av_nopts_value()
            let pts = av_rescale_q(packet.pointee.pts, timeBase, microseconds) - start + offset
            let dts = packet.pointee.dts == nopts ? pts : av_rescale_q(packet.pointee.dts, timeBase, microseconds) - start + offset
            var outDTS = av_rescale_q(dts, microseconds, stream.pointee.time_base)
            if let last = tracks.lastDTS[stream.pointee.index], outDTS <= last { outDTS = last + 1 }
            tracks.lastDTS[stream.pointee.index] = outDTS
            packet.pointee.dts = outDTS
            packet.pointee.pts = max(outDTS, av_rescale_q(pts, microseconds, stream.pointee.time_base))
            packet.pointee.duration = av_rescale_q(packet.pointee.duration, timeBase, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            packet.pointee.pos = -1
            try output.write(packet)
        }

        /// Re-encoded frames come without B-frames (decode time = presentation time); they take
        /// the copied frames' decode delay, so that decode times run on evenly into the copy.
        func placeReencoded(_ packet: UnsafeMutablePointer<AVPacket>, tracks: inout Tracks) throws {
            packet.pointee.dts = packet.pointee.pts - cut.index.delay
            try place(packet, from: videoTimeBase, to: tracks.video.pointer, tracks: &tracks)
        }

        let packet = try Packet()
        while true {
            try input.interrupt.check()
            let read = av_read_frame(input.pointer, packet.pointer)
            if read == ivy_averror_eof() { break }
            try check(read, "read \(part.path)")
            defer { av_packet_unref(packet.pointer) }
            let index = packet.pointer.pointee.stream_index
            let pts = packet.pointer.pointee.pts
            guard pts != ivy_av_nopts_value() else { continue }
            if index == video.pointee.index {
                if let encoder = reencoder, let gop = cut.reencodeFrom {
                    let key = packet.pointer.pointee.flags & AV_PKT_FLAG_KEY != 0
                    if pts < gop { continue }
                    if !(key && pts >= cut.copyFrom) {
                        try encoder.push(packet.pointer) { try placeReencoded($0, tracks: &tracks) }
                        continue
                    }
                    try encoder.push(nil) { try placeReencoded($0, tracks: &tracks) }
                    frames = encoder.frames
                    reencoder = nil
                    restoreParameterSets = true
                }
                guard pts >= cut.copyFrom, pts < cut.end else { continue }
                if restoreParameterSets, !tracks.parameterSets.isEmpty {
                    restoreParameterSets = false
                    let data = UnsafeBufferPointer(start: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
                    let restored = try Packet(bytes: tracks.parameterSets + Array(data), propertiesOf: packet.pointer)
                    try place(restored.pointer, from: videoTimeBase, to: tracks.video.pointer, tracks: &tracks)
                } else {
                    try place(packet.pointer, from: videoTimeBase, to: tracks.video.pointer, tracks: &tracks)
                }
            } else if let audio, let out = tracks.audio, index == audio.pointee.index {
                let at = av_rescale_q(pts, audio.pointee.time_base, microseconds)
                guard at >= start, at < end else { continue }
                try place(packet.pointer, from: audio.pointee.time_base, to: out.pointer, tracks: &tracks)
            }
        }
        if let encoder = reencoder {
            try encoder.push(nil) { try placeReencoded($0, tracks: &tracks) }
            frames = encoder.frames
        }
        return frames
    }
}

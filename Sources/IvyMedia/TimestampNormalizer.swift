/// Puts a recording's packets on one timeline that starts at zero, whatever the source did:
/// cameras start anywhere in the 33-bit MPEG-TS range, encoders restart at a discontinuity,
/// and a stream may fall silent for a while. Pure arithmetic in microseconds, so it is tested
/// without FFmpeg; `OutputTimestamps` then keeps each output stream strictly increasing in its
/// own time base.
///
/// The rules, after ffmpeg's handling of `AVFMT_TS_DISCONT` formats:
/// - A **jump** is a packet more than `forwardJump` ahead of where the *recording* is (the
///   furthest any stream has reached), or more than `backwardJump` behind where its own stream
///   should be. It moves every stream by the same amount, so that the packet goes on where its
///   stream left off, which keeps audio and video in sync across it.
/// - A small step back in one stream (a repeated timestamp) moves that stream to where it
///   should be until its own times catch up.
/// - A stream that had no packets for a while (a muted microphone) is *not* a jump as long as
///   the other streams went on: its next packet lands where its time says, and the stretch
///   stays a hole rather than pulling later packets early.
/// - A new part (a new demuxer after a new initialization section) continues where the
///   recording stopped.
struct TimestampNormalizer {
    static let forwardJump: Int64 = 10_000_000
    static let backwardJump: Int64 = 500_000

    private var offset: Int64?
    private var last: [Int: (dts: Int64, duration: Int64)] = [:]
    /// The end of the furthest presentation of any stream so far (microseconds, output timeline).
    private(set) var recordingEnd: Int64?
    private var partStarting = false
    /// Where the first packet lands (microseconds): a recording that starts with a hole.
    var timelineStart: Int64 = 0
    /// How many jumps were closed.
    private(set) var discontinuities = 0
    /// Per stream: where its presentation ends so far (microseconds, output timeline).
    private var presentationEnd: [Int: Int64] = [:]
    /// Per stream: how far its packets are moved after a small step back (microseconds).
    private var localShift: [Int: Int64] = [:]
    /// How many small steps back were taken out.
    private(set) var localCorrections = 0
    /// The offset before the last jump, for packets demuxed after it that belong before it.
    private var priorOffset: Int64?
    /// Streams that have had a packet on the current offset since the last jump.
    private var crossed: Set<Int> = []

    /// Maps one packet's decode and presentation times (microseconds, either may be missing)
    /// to the output timeline. Returns `nil` only for a packet with no time at all before any
    /// other packet of its stream.
    mutating func adjust(stream: Int, dts: Int64?, pts: Int64?, duration: Int64) -> (dts: Int64, pts: Int64)? {
        let carried = localShift[stream, default: 0]
        guard let raw = dts ?? pts ?? last[stream].map({ $0.dts + max($0.duration, 0) - carried - (offset ?? 0) }) else { return nil }
        anchor(raw: raw)
        let expected = last[stream].map { $0.dts + max($0.duration, 0) }
        // Judged with the stream's small shift still applied: a stream already moved after a
        // repeated timestamp is not jumping when it repeats once more.
        func isJump(_ adjusted: Int64) -> Bool {
            guard let expected else { return false }
            let moved = adjusted + carried
            return moved - max(expected, recordingEnd ?? expected) > Self.forwardJump || moved - expected < -Self.backwardJump
        }
        var used = offset!
        var jumped = partStarting && recordingEnd != nil
        partStarting = false
        if !jumped, isJump(raw &+ used) {
            // Streams interleave: a packet from before the last jump may be demuxed after it.
            // It belongs on the old timeline, not to a jump of its own.
            if let prior = priorOffset, !crossed.contains(stream), !isJump(raw &+ prior) {
                used = prior
            } else {
                jumped = true
            }
        }
        var adjusted = raw &+ used
        if jumped {
            // This packet lands where its own stream goes on: decoded after its last packet, and
            // shown after its last frame (less its own reorder delay, so that B-frame streams
            // keep their cadence and no frame is shown twice at one time). The other streams
            // follow by the same shift.
            let delay = max(0, (pts.map { $0 &+ used } ?? adjusted) - adjusted)
            let target = expected ?? recordingEnd ?? adjusted
            let shown = presentationEnd[stream].map { $0 - delay } ?? target
            shift(&adjusted, to: max(target, shown))
            used = offset!
        }
        if used == offset! { crossed.insert(stream) }
        // A stream whose times step back a little (a repeated timestamp, a segment stamped a
        // frame early) is moved to where it should be, and stays moved until its own times
        // catch up: frames keep their spacing instead of piling onto one instant.
        var shift = jumped ? 0 : carried
        if let previous = last[stream], let expected {
            if shift > 0, adjusted >= expected { shift = 0 }
            if adjusted + shift < expected - max(previous.duration, 0) / 2 {
                shift = expected - adjusted
                localCorrections += 1
            }
        }
        localShift[stream] = shift
        adjusted += shift
        let presentation = max((pts.map { $0 &+ used } ?? adjusted - shift) + shift, adjusted)
        last[stream] = (adjusted, duration)
        // Where presentation ends, not decoding (B-frames show later than they decode).
        presentationEnd[stream] = max(presentationEnd[stream] ?? presentation, presentation + max(duration, 0))
        recordingEnd = max(recordingEnd ?? adjusted, presentation + max(duration, 0))
        return (adjusted, presentation)
    }

    /// Sets the timeline's zero at `raw` (microseconds) if no packet has yet: frames that are
    /// seen but dropped (before the first keyframe) still say where the recording starts.
    mutating func anchor(raw: Int64) {
        if offset == nil { offset = timelineStart - raw }
    }

    /// The next packet, of whichever stream, starts a new part of the recording.
    mutating func startPart() {
        partStarting = true
    }

    private mutating func shift(_ adjusted: inout Int64, to target: Int64) {
        let delta = adjusted - target
        priorOffset = offset
        crossed.removeAll()
        offset! -= delta
        adjusted = target
        discontinuities += 1
        localShift.removeAll()
    }
}

/// Strictly increasing decode times per output stream, in that stream's own time base: what
/// the MP4 muxer demands. Rescaling to a coarser time base can map two distinct input times to
/// one tick, and cameras repeat timestamps; each such packet moves one tick after its
/// predecessor (as `ffmpeg` does), and presentation never precedes decoding.
///
/// Presentation times stay unique among a stream's recent packets too: two frames shown at one
/// time (a repeated timestamp in a stream with B-frames) make decoders drop or complain, so the
/// later one moves to the next free tick.
struct OutputTimestamps {
    /// How many recent presentation times per stream are kept to compare with: more than any
    /// reorder depth (H.264 allows 16 frames).
    static let recentCount = 32

    private var lastDTS: [Int32: Int64] = [:]
    private var recentPTS: [Int32: [Int64]] = [:]
    /// Packets whose times had to be moved.
    private(set) var corrections = 0

    mutating func place(stream: Int32, dts: Int64, pts: Int64) -> (dts: Int64, pts: Int64) {
        var dts = dts
        var pts = pts
        var moved = false
        if let last = lastDTS[stream], dts <= last {
            dts = last + 1
            moved = true
        }
        if pts < dts { pts = dts }
        var recent = recentPTS[stream, default: []]
        while recent.contains(pts) {
            pts += 1
            moved = true
        }
        recent.append(pts)
        if recent.count > Self.recentCount { recent.removeFirst(recent.count - Self.recentCount) }
        recentPTS[stream] = recent
        lastDTS[stream] = dts
        if moved { corrections += 1 }
        return (dts, pts)
    }
}

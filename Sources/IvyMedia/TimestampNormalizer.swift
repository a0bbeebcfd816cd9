/// Makes a remuxed timeline start at zero and run on monotonically, whatever the source did:
/// cameras start anywhere in the 33-bit MPEG-TS range, HLS discontinuities jump, and a
/// timestamp may wrap. Pure arithmetic in microseconds, so it is tested without FFmpeg.
///
/// Like ffmpeg's own handling of `AVFMT_TS_DISCONT` formats, a jump is a gap of more than
/// `forwardJump` or a step back of more than `backwardJump` against where the stream should
/// be; it shifts every stream by the same amount, which keeps audio and video in sync.
struct TimestampNormalizer {
    static let forwardJump: Int64 = 10_000_000
    static let backwardJump: Int64 = 500_000

    private var offset: Int64?
    private var last: [Int: (dts: Int64, duration: Int64)] = [:]
    /// How many jumps were smoothed out.
    private(set) var discontinuities = 0

    /// Maps one packet's decode and presentation times (microseconds, either may be missing)
    /// to the output timeline. Returns `nil` only for a packet with no time at all before any
    /// other packet of its stream.
    mutating func adjust(stream: Int, dts: Int64?, pts: Int64?, duration: Int64) -> (dts: Int64, pts: Int64)? {
        guard let raw = dts ?? pts ?? last[stream].map({ $0.dts + $0.duration - (offset ?? 0) }) else { return nil }
        if offset == nil { offset = -raw }
        var adjusted = raw + offset!
        if let previous = last[stream] {
            let expected = previous.dts + max(previous.duration, 0)
            let delta = adjusted - expected
            if delta > Self.forwardJump || delta < -Self.backwardJump {
                offset! -= delta
                adjusted -= delta
                discontinuities += 1
            }
            if adjusted <= previous.dts { adjusted = previous.dts + 1 }
        }
        let presentation = pts.map { $0 + offset! } ?? adjusted
        last[stream] = (adjusted, duration)
        return (adjusted, max(presentation, adjusted))
    }
}

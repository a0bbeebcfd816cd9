@testable import IvyMedia
import Testing

/// The timeline rules on their own (microseconds).
@Suite struct TimestampNormalizerTests {
    @Test func theTimelineStartsAtZero() {
        var normalizer = TimestampNormalizer()
        #expect(normalizer.adjust(stream: 0, dts: 5_432_000, pts: 5_432_000, duration: 66_666)! == (0, 0))
        #expect(normalizer.adjust(stream: 1, dts: 5_400_000, pts: 5_400_000, duration: 32_000)! == (-32_000, -32_000))
        #expect(normalizer.adjust(stream: 0, dts: 5_498_666, pts: 5_565_332, duration: 66_666)! == (66_666, 133_332))
    }

    @Test func aJumpForwardIsClosedForEveryStream() {
        var normalizer = TimestampNormalizer()
        _ = normalizer.adjust(stream: 0, dts: 0, pts: 0, duration: 1_000_000)
        _ = normalizer.adjust(stream: 1, dts: 0, pts: 0, duration: 1_000_000)
        // An hour later on both streams (an HLS discontinuity).
        let video = normalizer.adjust(stream: 0, dts: 3_601_000_000, pts: 3_601_000_000, duration: 1_000_000)!
        let audio = normalizer.adjust(stream: 1, dts: 3_601_000_000, pts: 3_601_000_000, duration: 1_000_000)!
        #expect(video.dts == 1_000_000)
        #expect(audio.dts == 1_000_000, "audio stays in sync with video")
        #expect(normalizer.discontinuities == 1)
    }

    @Test func aStepBackIsClosedToo() {
        var normalizer = TimestampNormalizer()
        _ = normalizer.adjust(stream: 0, dts: 90_000_000, pts: 90_000_000, duration: 40_000)
        let next = normalizer.adjust(stream: 0, dts: 1_000_000, pts: 1_000_000, duration: 40_000)!
        #expect(next.dts == 40_000)
        #expect(normalizer.discontinuities == 1)
    }

    @Test func smallGapsAndJitterAreKept() {
        var normalizer = TimestampNormalizer()
        _ = normalizer.adjust(stream: 0, dts: 0, pts: 0, duration: 40_000)
        #expect(normalizer.adjust(stream: 0, dts: 2_040_000, pts: 2_040_000, duration: 40_000)!.dts == 2_040_000)
        #expect(normalizer.adjust(stream: 0, dts: 2_070_000, pts: 2_070_000, duration: 40_000)!.dts == 2_070_000)
        #expect(normalizer.discontinuities == 0)
    }

    @Test func decodeTimesNeverGoBackwards() {
        var normalizer = TimestampNormalizer()
        _ = normalizer.adjust(stream: 0, dts: 100, pts: 100, duration: 0)
        let same = normalizer.adjust(stream: 0, dts: 100, pts: 100, duration: 0)!
        #expect(same.dts == 1)
        #expect(same.pts >= same.dts)
    }

    @Test func aPacketWithoutTimesFollowsItsStream() {
        var normalizer = TimestampNormalizer()
        #expect(normalizer.adjust(stream: 0, dts: nil, pts: nil, duration: 10) == nil)
        _ = normalizer.adjust(stream: 0, dts: 1_000, pts: 1_000, duration: 500)
        #expect(normalizer.adjust(stream: 0, dts: nil, pts: nil, duration: 500)!.dts == 500)
    }
}

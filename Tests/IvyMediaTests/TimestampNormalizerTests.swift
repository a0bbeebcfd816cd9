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

    @Test func aStreamThatFallsSilentKeepsItsPlace() {
        // Video every 100 ms for 24 s; audio stops at 6 s and comes back at 18 s.
        var normalizer = TimestampNormalizer()
        var audioAfterHole: (dts: Int64, pts: Int64)?
        for tenth in 0..<240 {
            let time = 1_000_000 + Int64(tenth) * 100_000
            _ = normalizer.adjust(stream: 0, dts: time, pts: time, duration: 100_000)
            let seconds = Double(tenth) / 10
            if seconds < 6 || seconds >= 18 {
                let audio = normalizer.adjust(stream: 1, dts: time, pts: time, duration: 100_000)!
                if seconds == 18 { audioAfterHole = audio }
            }
        }
        #expect(audioAfterHole?.dts == 18_000_000, "the hole stays a hole: audio is not pulled 12 s early")
        #expect(normalizer.discontinuities == 0)
    }

    @Test func anEncoderRestartContinuesEveryStreamInSync() {
        // Two 4 s encodes: audio ends 20 ms after video, video of the second starts 180 ms
        // before its audio (B-frame decode delay), both restarting from the same values.
        var normalizer = TimestampNormalizer()
        for part in 0..<2 {
            var video: [(dts: Int64, pts: Int64)] = []
            var audio: [(dts: Int64, pts: Int64)] = []
            for frame in 0..<40 {
                let time = 1_200_000 + Int64(frame) * 100_000
                video.append(normalizer.adjust(stream: 0, dts: time, pts: time + 200_000, duration: 100_000)!)
                let sound = 1_380_000 + Int64(frame) * 100_000
                audio.append(normalizer.adjust(stream: 1, dts: sound, pts: sound, duration: 100_000)!)
            }
            if part == 1 {
                // The second part starts where the first ended, and keeps its own A/V offset.
                #expect(video[0].dts >= 4_000_000)
                #expect(audio[0].dts - video[0].dts == 180_000)
            }
        }
        #expect(normalizer.discontinuities == 1)
    }

    @Test func aSegmentStampedAFrameEarlyKeepsItsCadence() {
        var normalizer = TimestampNormalizer()
        var times: [Int64] = []
        for frame in 0..<60 {
            // Frames 20-39 carry the time of the frame before them (a segment stamped a frame early).
            let stamped = Int64((20..<40).contains(frame) ? frame - 1 : frame) * 100_000
            times.append(normalizer.adjust(stream: 0, dts: stamped, pts: stamped, duration: 100_000)!.dts)
        }
        #expect(times == (0..<60).map { Int64($0) * 100_000 }, "every frame one frame after the last, none piled up")
        #expect(normalizer.discontinuities == 0)
    }

    @Test func aPacketDemuxedAfterAJumpButFromBeforeItStaysOnTheOldTimeline() {
        var normalizer = TimestampNormalizer()
        for tenth in 0..<39 {
            let time = Int64(tenth) * 100_000
            _ = normalizer.adjust(stream: 0, dts: time, pts: time, duration: 100_000)
            _ = normalizer.adjust(stream: 1, dts: time, pts: time, duration: 100_000)
        }
        // The audio after a 30 s jump arrives before the last video frame from before it.
        #expect(normalizer.adjust(stream: 1, dts: 33_900_000, pts: 33_900_000, duration: 100_000)!.dts == 3_900_000)
        #expect(normalizer.adjust(stream: 0, dts: 3_900_000, pts: 3_900_000, duration: 100_000)!.dts == 3_900_000, "the straggler keeps its place")
        #expect(normalizer.adjust(stream: 0, dts: 34_000_000, pts: 34_000_000, duration: 100_000)!.dts == 4_000_000)
        #expect(normalizer.discontinuities == 1)
    }

    @Test func aBlockOfTimesRepeatedThreeTimesIsLaidOutInOrder() {
        // Frames 5-9 carry the times of frames 5-9 three more times (PES timestamps repeated),
        // then the stream goes on at its true time.
        var normalizer = TimestampNormalizer()
        let stamped = Array(0..<10) + Array(repeating: Array(5..<10), count: 3).flatMap { $0 } + [25]
        let times = stamped.map { normalizer.adjust(stream: 0, dts: Int64($0) * 20_000, pts: Int64($0) * 20_000, duration: 20_000)!.dts }
        #expect(times == (0..<26).map { Int64($0) * 20_000 })
        #expect(normalizer.discontinuities == 0)
    }

    @Test func aDroppedLeadInStillSaysWhereTheRecordingStarts() {
        var normalizer = TimestampNormalizer()
        normalizer.anchor(raw: 1_000_000)
        #expect(normalizer.adjust(stream: 0, dts: 3_000_000, pts: 3_000_000, duration: 100_000)!.dts == 2_000_000)
    }

    @Test func aNewPartContinuesWhereTheRecordingStopped() {
        var normalizer = TimestampNormalizer()
        _ = normalizer.adjust(stream: 0, dts: 50_000_000, pts: 50_000_000, duration: 2_000_000)
        normalizer.startPart()
        // A new demuxer's times may be anywhere, even just ahead.
        #expect(normalizer.adjust(stream: 0, dts: 52_500_000, pts: 52_500_000, duration: 2_000_000)!.dts == 2_000_000)
    }

    @Test func repeatedTimesStayEqualHereAndAreSpreadInTheOutputTimeBase() {
        var normalizer = TimestampNormalizer()
        _ = normalizer.adjust(stream: 0, dts: 100, pts: 100, duration: 0)
        let same = normalizer.adjust(stream: 0, dts: 100, pts: 100, duration: 0)!
        #expect(same.dts == 0)
        var output = OutputTimestamps()
        #expect(output.place(stream: 0, dts: 0, pts: 0) == (0, 0))
        #expect(output.place(stream: 0, dts: 0, pts: 0) == (1, 1))
        // Slightly backward, with presentation after decoding (a B-frame stream).
        #expect(output.place(stream: 0, dts: 0, pts: 3) == (2, 3))
        #expect(output.place(stream: 1, dts: 0, pts: 0) == (0, 0), "each stream on its own")
        // A presentation time already shown (B-frames with a repeated time) moves to a free tick.
        #expect(output.place(stream: 0, dts: 3, pts: 3) == (3, 4))
        #expect(output.corrections == 3)
    }

    @Test func aPacketWithoutTimesFollowsItsStream() {
        var normalizer = TimestampNormalizer()
        #expect(normalizer.adjust(stream: 0, dts: nil, pts: nil, duration: 10) == nil)
        _ = normalizer.adjust(stream: 0, dts: 1_000, pts: 1_000, duration: 500)
        #expect(normalizer.adjust(stream: 0, dts: nil, pts: nil, duration: 500)!.dts == 500)
    }
}

import Foundation
import IvyMedia
import IvyTestSupport
import Testing

/// Pieces of MP4s joined on one timeline, judged by ffprobe and ffmpeg's decoder.
@Suite struct JoinerTests {
    /// Ten seconds at 15 fps, a keyframe every 2 s, with AAC (or without audio): what ffmpeg's
    /// own encoder makes, so the joiner is judged on media it did not produce.
    static func makeClip(_ path: String, codec: String = "libx264", audio: Bool = true, bFrames: Int = 0) async throws {
        var arguments = ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=10"]
        if audio { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=32000:duration=10", "-c:a", "aac"] }
        arguments += ["-c:v", codec, "-g", "30", "-keyint_min", "30", "-bf", "\(bFrames)", "-pix_fmt", "yuv420p"]
        if codec == "libx265" { arguments += ["-x265-params", "keyint=30:min-keyint=30:scenecut=0:bframes=0:log-level=error", "-tag:v", "hvc1"] }
        else { arguments += ["-sc_threshold", "0"] }
        try await FFprobe.run("ffmpeg", arguments + ["-y", path])
    }

    @Test(arguments: [(false, "libx264"), (true, "libx264"), (true, "libx265")])
    func piecesBecomeOneTimelineWithChapters(exact: Bool, encoder: String) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.makeClip(directory + "/a.mp4", codec: encoder)
        try await Self.makeClip(directory + "/b.mp4", codec: encoder)
        let output = directory + "/joined.mp4"
        let summary = try await Joiner.join(
            [JoinPart(path: directory + "/a.mp4", from: 3.1, chapter: { _ in "first" }), JoinPart(path: directory + "/b.mp4", to: 5.5, chapter: { "second at \($0)" })],
            to: output, metadata: RemuxMetadata(title: "Shed", creationTime: "2026-11-25T14:03:00Z"), exact: exact)

        // Copy cuts on keyframes (2 s apart) so the pieces hold at least what was asked:
        // 2-10 s and 0-6 s. Exact cuts start on the first frame at or after 3.1 s (3.133 s).
        let expected = exact ? (10 - 47.0 / 15) + 5.5 : 8 + 6
        let frame = 1.0 / 15
        let video = try await FFprobe.videoFrames(output)
        #expect(abs(video.duration - expected) <= frame + 0.001, "\(video.duration) s, expected \(expected) s")
        #expect(abs(Double(video.count) - expected * 15) <= 1, "\(video.count) frames")
        #expect(abs(summary.duration - expected) <= frame)
        #expect(summary.parts.map(\.reencodedFrames) == (exact ? [13, 0] : [0, 0]))
        let chapters = try await FFprobe.chapters(output)
        #expect(chapters.map(\.title) == ["first", "second at 0.0"])
        #expect(abs(chapters[0].start) < 0.01 && abs(chapters[1].start - summary.parts[1].outputStart) < 0.01)
        #expect(try await FFprobe.decodeErrors(output).isEmpty)
        let report = try await FFprobe.probe(output)
        #expect(report.codec("video") == (encoder == "libx265" ? "hevc" : "h264") && report.codec("audio") == "aac")
        #expect(report.streams.first { $0.type == "video" }?.width == 320)
        #expect(try MP4Boxes.moovBeforeMdat(output), "faststart")
        let times = try await FFprobe.packetTimes(output, stream: "v:0")
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "video timestamps increase")
        let tags = try await FFprobe.tags(output)
        #expect(tags["title"] == "Shed" && tags["creation_time"]?.hasPrefix("2026-11-25T14:03:00") == true)
    }

    /// Cameras rarely send B-frames; when they do, the copied frames keep their own order, an
    /// exact start still starts on the frame, and the end falls on the next keyframe.
    @Test(arguments: [false, true])
    func bFramesStayDecodable(exact: Bool) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.makeClip(directory + "/a.mp4", bFrames: 2)
        try await Self.makeClip(directory + "/b.mp4", bFrames: 2)
        let output = directory + "/joined.mp4"
        let summary = try await Joiner.join(
            [JoinPart(path: directory + "/a.mp4", from: 3.1) { _ in "a" }, JoinPart(path: directory + "/b.mp4", to: 5.5) { _ in "b" }],
            to: output, exact: exact)
        let expected = (exact ? 10 - 47.0 / 15 : 8) + 6
        let video = try await FFprobe.videoFrames(output)
        #expect(abs(video.duration - expected) <= 1.0 / 15 + 0.001, "\(video.duration) s, expected \(expected) s")
        #expect(abs(Double(video.count) - expected * 15) <= 1, "\(video.count) frames")
        #expect(abs(summary.duration - expected) <= 1.0 / 15)
        #expect(try await FFprobe.decodeErrors(output).isEmpty)
        let times = try await FFprobe.packetTimes(output, stream: "v:0")
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "decode times increase")
    }
}

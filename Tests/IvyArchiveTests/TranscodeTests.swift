import Foundation
import IvyMedia
import IvyTestSupport
import Testing

/// G.711 and PCM audio cannot go into MP4, and no HLS container carries them in FFmpeg: the
/// transcode path is tested with local Matroska input, as the issue allows.
@Suite struct TranscodeTests {
    @Test(arguments: ["pcm_alaw", "pcm_mulaw", "pcm_s16le"])
    func audioMP4CannotHoldBecomesAAC(codec: String) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = directory + "/camera.mkv"
        try await FFprobe.run("ffmpeg", [
            "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000",
            "-t", "12", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", codec, "-ar", "8000", "-ac", "1", source,
        ])
        let output = directory + "/clip.mp4"
        let summary = try await Remuxer.remux(.file(source), to: output, metadata: RemuxMetadata(title: "G.711"))
        #expect(summary.transcodedFrom == codec)
        try await MP4Judge.check(output, video: "h264", tag: "avc1", audio: "aac", duration: 12)
        let report = try await FFprobe.probe(output)
        #expect(abs(report.duration - 12) < 0.3)
        // The audio lasts as long as the video: nothing lost or stretched in the transcode.
        let audio = try await FFprobe.packetTimes(output, stream: "a:0")
        #expect(abs((audio.last ?? 0) - 12) < 0.3)
    }
}

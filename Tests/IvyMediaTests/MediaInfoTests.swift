import Foundation
import IvyMedia
import IvyTestSupport
import Testing

/// The FFmpeg module reads media as ffprobe does.
@Suite struct MediaInfoTests {
    /// The sandbox's committed templates, found from this file's place in the repository.
    static let media = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/IvySandbox/Media").standardized.path

    @Test(arguments: ["h264-aac.ts", "hevc-aac.ts", "h264.ts"])
    func readsWhatFFprobeReads(name: String) async throws {
        let path = Self.media + "/" + name
        let info = try await MediaInfo.probe(path: path)
        let judge = try await FFprobe.probe(path)
        #expect(info.format == judge.formatName)
        #expect(info.streams.map(\.codec) == judge.streams.map(\.codec))
        #expect(info.streams.map(\.kind.rawValue) == judge.streams.map(\.type))
        #expect(abs((info.duration ?? 0) - judge.duration) < 0.05)
        let video = try #require(info.streams.first { $0.kind == .video })
        #expect(video.width == 320 && video.height == 180)
    }

    @Test func readsAnMP4WithItsTags() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = directory + "/clip.mp4"
        try await FFprobe.run("ffmpeg", ["-nostdin", "-v", "error", "-i", Self.media + "/hevc-aac.ts", "-c", "copy", "-tag:v", "hvc1", output])
        let info = try await MediaInfo.probe(path: output)
        #expect(info.format.contains("mp4"))
        #expect(info.streams.first { $0.kind == .video }?.tag == "hvc1")
        #expect(info.streams.first { $0.kind == .audio }?.sampleRate == 32000)
    }

    @Test func aMissingFileIsAMediaError() async {
        await #expect(throws: MediaError.self) { try await MediaInfo.probe(path: "/nonexistent/clip.mp4") }
    }

    @Test func garbageIsAMediaError() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/garbage.mp4"
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: path))
        await #expect(throws: MediaError.self) { try await MediaInfo.probe(path: path) }
    }
}

import Foundation
import IvyMedia
import IvyTestSupport
import Testing

/// Thumbnails made in-process, judged by Debian's ffprobe and ffmpeg: a decodable JPEG of the
/// expected size, showing the clip's first seconds.
@Suite struct ThumbnailTests {
    /// A clip made by Debian's ffmpeg: a solid colour for each of `colours`' (name, seconds),
    /// one after the other, `size` pixels of shape `sar`, 15 fps.
    static func makeClip(_ path: String, encoder: String, size: String, sar: String = "1", colours: [(String, Int)],
                         keyframeInterval: Int = 250, extra: [String] = []) async throws {
        var arguments = ["-nostdin", "-v", "error", "-y"]
        for (colour, seconds) in colours { arguments += ["-f", "lavfi", "-i", "color=c=\(colour):s=\(size):r=15:d=\(seconds)"] }
        let inputs = colours.indices.map { "[\($0)]" }.joined()
        arguments += ["-filter_complex", "\(inputs)concat=n=\(colours.count):v=1:a=0,setsar=\(sar),format=yuv420p", "-c:v", encoder,
                      "-g", "\(keyframeInterval)", "-preset", "ultrafast"]
        if encoder == "libx265" { arguments += ["-x265-params", "log-level=none", "-tag:v", "hvc1"] }
        try await ffmpeg(arguments + extra + [path])
    }

    /// Runs Debian's ffmpeg and requires that it succeeds.
    static func ffmpeg(_ arguments: [String]) async throws {
        let result = try await Subprocess.run("ffmpeg", arguments)
        try #require(result.status == 0, "ffmpeg \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    /// The mean red, green and blue (0-255) of a picture, decoded by Debian's ffmpeg.
    static func meanColour(_ path: String) async throws -> (red: Double, green: Double, blue: Double) {
        let raw = path + ".rgb"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        try await ffmpeg(["-nostdin", "-v", "error", "-y", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
        try #require(bytes.count >= 3)
        var sums = [0.0, 0.0, 0.0]
        for (index, byte) in bytes.enumerated() { sums[index % 3] += Double(byte) }
        let pixels = Double(bytes.count / 3)
        return (sums[0] / pixels, sums[1] / pixels, sums[2] / pixels)
    }

    /// The picture is the clip's first seconds: red.
    static func expectRed(_ path: String) async throws {
        let colour = try await meanColour(path)
        #expect(colour.red > 200 && colour.green < 50 && colour.blue < 50, "red, from the first seconds: \(colour)")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var encoder: String
        var size: String
        var sar: String
        var expected: (width: Int, height: Int)
        var testDescription: String { "\(encoder) \(size) sar \(sar)" }
    }

    @Test(arguments: [
        Case(encoder: "libx264", size: "640x360", sar: "1", expected: (320, 180)),
        Case(encoder: "libx265", size: "640x360", sar: "1", expected: (320, 180)),
        // PAL's 4:3 with non-square pixels: 768 x 576 on screen.
        Case(encoder: "libx264", size: "720x576", sar: "16/15", expected: (320, 240)),
        Case(encoder: "libx265", size: "720x576", sar: "16/15", expected: (320, 240)),
        // Smaller than the target: not blown up.
        Case(encoder: "libx264", size: "160x90", sar: "1", expected: (160, 90)),
    ])
    func aJPEGOfTheClipsFirstSeconds(_ test: Case) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clip = directory + "/clip.mp4", jpeg = directory + "/thumbs/cam/clip.jpg"
        try await Self.makeClip(clip, encoder: test.encoder, size: test.size, sar: test.sar, colours: [("red", 2), ("blue", 3)])

        let thumbnail = try await Thumbnail.make(of: clip, to: jpeg)
        #expect(thumbnail.width == test.expected.width && thumbnail.height == test.expected.height, "\(thumbnail)")
        #expect(thumbnail.time < 0.5)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: jpeg)[.size] as? Int)
        #expect(thumbnail.bytes == size && size > 100)
        let report = try await FFprobe.probe(jpeg)
        #expect(report.streams.count == 1)
        #expect(report.streams.first?.codec == "mjpeg")
        #expect(report.streams.first?.width == test.expected.width && report.streams.first?.height == test.expected.height)
        #expect(try await FFprobe.decodeErrors(jpeg).isEmpty)
        try await Self.expectRed(jpeg)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/thumbs/cam") == ["clip.jpg"], "no temporary file left")
    }

    /// A stream that starts inside a GOP (a hole at the start): the frames before the first
    /// keyframe cannot decode, so the thumbnail is the keyframe's.
    @Test func aClipStartingMidGOPShowsItsFirstKeyframe() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let whole = directory + "/whole.ts", cut = directory + "/cut.ts", jpeg = directory + "/cut.jpg"
        // Keyframes every 3 s: red until 3 s, green after.
        try await Self.makeClip(whole, encoder: "libx264", size: "320x240", colours: [("red", 3), ("green", 3)],
                                keyframeInterval: 45, extra: ["-x264-params", "scenecut=0"])
        // Drop the first sixth of the transport stream's packets (about a second, with a
        // packet or more a frame): it now starts inside the red GOP, without its keyframe.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let packets = bytes.count / 188
        try bytes.suffix(from: (packets / 6) * 188).write(to: URL(fileURLWithPath: cut))

        let thumbnail = try await Thumbnail.make(of: cut, to: jpeg)
        #expect(thumbnail.time > 0.5 && thumbnail.time < 3, "the keyframe after the undecodable start: \(thumbnail)")
        #expect(try await FFprobe.decodeErrors(jpeg).isEmpty)
        let colour = try await Self.meanColour(jpeg)
        #expect(colour.green > 80 && colour.red < 50 && colour.blue < 50, "the green keyframe at 3 s: \(colour)")
    }

    /// An archived clip whose first segments never came keeps its timeline: its media starts
    /// seconds in, and the thumbnail says when.
    @Test func aClipStartingWithAHoleSaysWhenItsPictureIs() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clip = directory + "/late.mp4", jpeg = directory + "/late.jpg"
        try await Self.makeClip(clip, encoder: "libx264", size: "640x360", colours: [("red", 2)], extra: ["-output_ts_offset", "4"])
        let thumbnail = try await Thumbnail.make(of: clip, to: jpeg)
        #expect(abs(thumbnail.time - 4) < 0.1, "\(thumbnail)")
        try await Self.expectRed(jpeg)
    }

    @Test func anAudioOnlyFileHasNoThumbnail() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let audio = directory + "/audio.m4a"
        try await Self.ffmpeg(["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", audio])
        await #expect(throws: ThumbnailError.noVideoStream(path: audio)) {
            try await Thumbnail.make(of: audio, to: directory + "/audio.jpg")
        }
        #expect(ThumbnailError.noVideoStream(path: audio).description.contains("no video stream"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/audio.jpg"))
        await #expect(throws: MediaError.self) { try await Thumbnail.make(of: directory + "/missing.mp4", to: directory + "/missing.jpg") }
    }

    @Test func aCancelledTaskMakesNoThumbnail() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clip = directory + "/clip.mp4", jpeg = directory + "/clip.jpg"
        try await Self.makeClip(clip, encoder: "libx264", size: "640x360", colours: [("red", 1)])
        let result = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Thumbnail.make(of: clip, to: jpeg)
        }.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["clip.mp4"])
    }
}

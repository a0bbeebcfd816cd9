import Foundation
import IvyMedia
@testable import IvySandbox
import IvyTestSupport
import Testing

/// Camera recordings as they come in the field, remuxed from local files made by ffmpeg (and
/// patched where ffmpeg would not write the fault): every frame kept, audio in place, and an
/// output ffmpeg's decoder reads without an error.
@Suite struct MessyStreamRemuxTests {
    /// H.264 at 10 fps and AAC at 48 kHz in MPEG-TS; `gop` frames a GOP.
    static func makeTS(_ path: String, seconds: Int, gop: Int = 20, bFrames: Int? = 0, extra: [String] = []) async throws {
        var arguments = ["-nostdin", "-v", "error", "-threads", "1", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=\(seconds)",
                         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=\(seconds)", "-map", "0:v", "-map", "1:a"]
        arguments += ["-c:v", "libx264", "-preset", "veryfast", "-g", "\(gop)", "-keyint_min", "\(gop)", "-sc_threshold", "0", "-pix_fmt", "yuv420p"]
        if let bFrames { arguments += ["-bf", "\(bFrames)"] }
        arguments += ["-c:a", "aac", "-b:a", "48k", "-ac", "1"] + extra + ["-f", "mpegts", "-y", path]
        try await FFprobe.run("ffmpeg", arguments)
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    static func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    @Test func aRecordingCutMidGOPDecodesFromItsFirstFrame() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.makeTS(directory + "/full.ts", seconds: 20, gop: 60)
        // Cut where the video packet 2.2 s into the first GOP starts (a TS packet boundary).
        let packets = try await FFprobe.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,pos",
                                                        "-of", "csv=p=0", directory + "/full.ts"])
        let rows = packets.split(separator: "\n").map { $0.split(separator: ",").compactMap { Double($0) } }.filter { $0.count == 2 }
        let first = try #require(rows.first?[0])
        let cut = try #require(rows.first { $0[0] >= first + 2.2 }?[1])
        try Self.write(Array(try Self.bytes(directory + "/full.ts").dropFirst(Int(cut))), directory + "/cut.ts")

        let summary = try await Remuxer.remux(.file(directory + "/cut.ts"), to: directory + "/out.mp4")
        #expect(summary.droppedLeadingFrames > 0)
        #expect(try await FFprobe.decodeErrors(directory + "/out.mp4").isEmpty)
        let flags = try await FFprobe.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
                                                      "-show_entries", "packet=flags", "-of", "csv=p=0", directory + "/out.mp4"])
        #expect(flags.hasPrefix("K"), "the video starts on a keyframe (\(flags))")
    }

    @Test func audioAfterAStretchWithoutAudioStaysInPlace() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.makeTS(directory + "/in.ts", seconds: 24, gop: 40, extra: ["-af", "aselect='not(between(t,6,18))'"])
        _ = try await Remuxer.remux(.file(directory + "/in.ts"), to: directory + "/out.mp4")
        func skew(_ path: String) async throws -> (hole: Double, endSkew: Double) {
            let audio = try await FFprobe.packetTimes(path, stream: "a:0").sorted()
            let video = try await FFprobe.packetTimes(path, stream: "v:0").sorted()
            let hole = zip(audio, audio.dropFirst()).map { $1 - $0 }.max() ?? 0
            return (hole, (audio.last! - video.first!) - (video.last! - video.first!))
        }
        let source = try await skew(directory + "/in.ts")
        let output = try await skew(directory + "/out.mp4")
        #expect(source.hole > 11)
        #expect(output.hole > 11, "the hole stays a hole")
        #expect(abs(output.endSkew - source.endSkew) < 0.3, "audio ends where it ended in the source: \(output) vs \(source)")
    }

    @Test func twoEncodesJoinedWithTimesStartingOverKeepEveryFrame() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // B-frames on (libx264's default), as in the field: decode times start before presentation.
        try await Self.makeTS(directory + "/a.ts", seconds: 4, bFrames: nil)
        try await Self.makeTS(directory + "/b.ts", seconds: 4, bFrames: nil)
        try Self.write(try Self.bytes(directory + "/a.ts") + Self.bytes(directory + "/b.ts"), directory + "/joined.ts")
        let summary = try await Remuxer.remux(.file(directory + "/joined.ts"), to: directory + "/out.mp4")
        #expect(summary.discontinuities >= 1)
        #expect(try await FFprobe.decodeErrors(directory + "/out.mp4").isEmpty)
        #expect(try await FFprobe.videoFrames(directory + "/out.mp4").count == 80)
        #expect(abs(try await FFprobe.probe(directory + "/out.mp4").duration - 8) < 0.5)
    }

    @Test func aRepeatedAudioTimestampCostsNothing() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // One AAC frame a PES, so that one frame can repeat the time of the frame before it.
        try await Self.makeTS(directory + "/in.ts", seconds: 8, extra: ["-pes_payload_size", "0"])
        let clean = try Self.bytes(directory + "/in.ts")
        let audio = try #require(TransportStreamPatcher.elementaryPIDs(clean).audio.first)
        try Self.write(TransportStreamPatcher.repeatingTimestamp(of: audio, atPES: 200, in: clean), directory + "/glitch.ts")
        let times = try await FFprobe.packetTimes(directory + "/glitch.ts", stream: "a:0")
        #expect(zip(times, times.dropFirst()).contains { $1 <= $0 }, "the input repeats a timestamp")

        let summary = try await Remuxer.remux(.file(directory + "/glitch.ts"), to: directory + "/out.mp4")
        #expect(summary.timestampCorrections >= 1)
        #expect(try await FFprobe.decodeErrors(directory + "/out.mp4").isEmpty)
        #expect(try await FFprobe.videoFrames(directory + "/out.mp4").count == 80)
        let source = try await FFprobe.packetTimes(directory + "/in.ts", stream: "a:0").count
        #expect(try await FFprobe.packetTimes(directory + "/out.mp4", stream: "a:0").count == source, "every audio frame kept")
    }
}

/// A new initialization section (`EXT-X-MAP`) after a discontinuity: a new demuxer reads it.
@Suite struct NewInitSectionTests {
    /// An fMP4 HLS rendition by ffmpeg: the init section and the segments' bytes, in order.
    static func fragments(_ directory: String, size: String, profile: String) async throws -> (initSection: [UInt8], segments: [[UInt8]]) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await FFprobe.run("ffmpeg", [
            "-nostdin", "-v", "error", "-threads", "1", "-f", "lavfi", "-i", "testsrc=size=\(size):rate=10:duration=4",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", profile, "-g", "20", "-keyint_min", "20", "-sc_threshold", "0", "-bf", "0",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", "-ac", "1",
            "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_playlist_type", "vod",
            "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", directory + "/seg%d.m4s", directory + "/index.m3u8",
        ])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".m4s") }
            .sorted { Int($0.dropFirst(3).dropLast(4))! < Int($1.dropFirst(3).dropLast(4))! }
        return (try MessyStreamRemuxTests.bytes(directory + "/init.mp4"), try names.map { try MessyStreamRemuxTests.bytes(directory + "/" + $0) })
    }

    static func remux(_ parts: [(initSection: [UInt8], segments: [[UInt8]])], to output: String) async throws -> RemuxSummary {
        try await Remuxer.remux(to: output) { feed in
            for (index, part) in parts.enumerated() {
                if index > 0 { try await feed.startPart() }
                try await feed.append(part.initSection)
                for segment in part.segments { try await feed.append(segment) }
            }
        }
    }

    @Test func newParameterSetsReachTheOutput() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Same size, another profile: other SPS/PPS, which the second part must be decoded with.
        let first = try await Self.fragments(directory + "/a", size: "320x240", profile: "high")
        let second = try await Self.fragments(directory + "/b", size: "320x240", profile: "baseline")
        #expect(first.initSection != second.initSection)
        let summary = try await Self.remux([first, second], to: directory + "/out.mp4")
        #expect(summary.parts == 2)
        #expect(try await FFprobe.decodeErrors(directory + "/out.mp4").isEmpty)
        #expect(try await FFprobe.videoFrames(directory + "/out.mp4").count == 80)
        #expect(abs(try await FFprobe.probe(directory + "/out.mp4").duration - 8) < 0.5)
    }

    @Test func aSizeOneTrackCannotHoldIsRefusedSayingSo() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await Self.fragments(directory + "/a", size: "320x240", profile: "high")
        let second = try await Self.fragments(directory + "/b", size: "640x360", profile: "high")
        do {
            _ = try await Self.remux([first, second], to: directory + "/out.mp4")
            Issue.record("a change of size was accepted")
        } catch let error as MediaError {
            #expect(error.description.contains("320x240 to 640x360"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/out.mp4"), "no output is left")
    }
}

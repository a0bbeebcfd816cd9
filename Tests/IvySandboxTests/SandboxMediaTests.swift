import Foundation
import IvyCloud
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// The sandbox's HLS is real media: ffmpeg, as an independent player, reads every profile.
@Suite struct SandboxMediaTests {
    static func account(_ profile: MediaProfile) -> SandboxAccount {
        var account = SandboxAccount.demo()
        account.devices = [
            SandboxDevice(mac: "00626E00AA01", name: "Test", productName: "FI9900P", profile: profile,
                          fixedRecordings: [SandboxRecording(start: 1_700_000_000, end: 1_700_000_040, type: 2)])
        ]
        return account
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var profile: MediaProfile
        var video: String
        var audio: String?
        var testDescription: String
    }

    static let cases = [
        Case(profile: .h264AAC, video: "h264", audio: "aac", testDescription: "H.264 + AAC in MPEG-TS"),
        Case(profile: .hevcAAC, video: "hevc", audio: "aac", testDescription: "H.265 + AAC in MPEG-TS"),
        Case(profile: .fragmentedMP4, video: "h264", audio: "aac", testDescription: "fMP4 with EXT-X-MAP"),
        Case(profile: .encrypted, video: "h264", audio: "aac", testDescription: "AES-128"),
        Case(profile: .videoOnly, video: "h264", audio: nil, testDescription: "no audio"),
        Case(profile: .timestampWrap, video: "h264", audio: "aac", testDescription: "33-bit PTS wrap"),
    ]

    @Test(arguments: cases)
    func ffmpegPlaysTheProfile(_ testCase: Case) async throws {
        try await withSandbox({ $0.account = Self.account(testCase.profile) }) { endpoint, client in
            let url = try await client.playbackURLs(device: "00626E00AA01", start: 1_700_000_000).preferred!
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let output = directory + "/clip.mp4"
            try await FFprobe.run("ffmpeg", ["-nostdin", "-v", "error", "-allowed_extensions", "ALL", "-i", url, "-c", "copy", output])
            let report = try await FFprobe.probe(output)
            #expect(report.codec("video") == testCase.video)
            #expect(report.codec("audio") == testCase.audio)
            #expect(abs(report.duration - 40) < 0.2, "duration \(report.duration)")
            #expect(try await FFprobe.decodeErrors(output).isEmpty)
            #expect(endpoint.cloud.stats.segmentRequests == 10)
        }
    }

    @Test func timestampsRunOnAcrossSegmentsAndJumpAtADiscontinuity() async throws {
        try await withSandbox({ $0.account = Self.account(.discontinuity) }) { _, client in
            let url = try await client.playbackURLs(device: "00626E00AA01", start: 1_700_000_000).preferred!
            let playlist = String(decoding: try await sharedTransport.execute(HTTPRequest(url: url)).body, as: UTF8.self)
            let lines = playlist.split(separator: "\n").map(String.init)
            let segments = lines.filter { !$0.hasPrefix("#") }
            #expect(segments.count == 10)
            #expect(lines.contains("#EXT-X-ENDLIST"))
            // The discontinuity tag stands right before segment 5.
            let tag = try #require(lines.firstIndex(of: "#EXT-X-DISCONTINUITY"))
            #expect(lines[tag + 2].hasPrefix("5.ts?"))

            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let base = String(url[..<url.range(of: "index.m3u8")!.lowerBound])
            var starts: [Double] = []
            for (index, segment) in segments.enumerated() {
                let path = directory + "/\(index).ts"
                try Data(try await sharedTransport.execute(HTTPRequest(url: base + segment), maxBodySize: 1 << 24).body).write(to: URL(fileURLWithPath: path))
                starts.append(try await FFprobe.packetTimes(path, stream: "v:0").first ?? -1)
            }
            for index in 1..<10 {
                let step = starts[index] - starts[index - 1]
                #expect(abs(step - (index == 5 ? 3604 : 4)) < 0.01, "segment \(index) starts \(step) s after the one before")
            }
        }
    }

    @Test func aWholeClipHasContinuousTimestampsAndExactAudio() async throws {
        try await withSandbox({ $0.account = Self.account(.h264AAC) }) { _, client in
            let url = try await client.playbackURLs(device: "00626E00AA01", start: 1_700_000_000).preferred!
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let output = directory + "/clip.ts"
            try await FFprobe.run("ffmpeg", ["-nostdin", "-v", "error", "-i", url, "-c", "copy", "-f", "mpegts", output])
            let video = try await FFprobe.packetTimes(output, stream: "v:0")
            let audio = try await FFprobe.packetTimes(output, stream: "a:0")
            #expect(video.count == 600)  // 40 s at 15 fps
            #expect(audio.count == 1250)  // 40 s of 1024-sample frames at 32 kHz
            #expect(zip(video, video.dropFirst()).allSatisfy { abs($1 - $0 - 1.0 / 15) < 0.001 })
            #expect(zip(audio, audio.dropFirst()).allSatisfy { abs($1 - $0 - 0.032) < 0.001 })
        }
    }
}

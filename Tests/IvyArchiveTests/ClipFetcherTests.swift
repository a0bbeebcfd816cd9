import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// A clip's playlist becomes one correct MP4, judged by ffprobe, for every media profile and
/// through every fault the sandbox can throw.
@Suite struct ClipFetcherTests {
    static let mac = "00626E00AA01"
    static let start: Int64 = 1_700_000_000

    static func account(_ profile: MediaProfile, seconds: Int64 = 40) -> SandboxAccount {
        var account = SandboxAccount.demo()
        account.devices = [
            SandboxDevice(mac: mac, name: "Test", productName: "FI9900P", profile: profile,
                          fixedRecordings: [SandboxRecording(start: start, end: start + seconds, type: 2)])
        ]
        return account
    }

    static func fetcher(_ policy: HLSDownloader.Policy = fastPolicy) -> ClipFetcher {
        ClipFetcher(transport: sharedTransport, limiter: DownloadLimiter(limit: 8), policy: policy, logger: quietLogger)
    }

    static var fastPolicy: HLSDownloader.Policy {
        var policy = HLSDownloader.Policy()
        policy.retry.baseDelay = .milliseconds(5)
        policy.retry.maxDelay = .milliseconds(50)
        return policy
    }

    /// Fetches the test clip into a fresh folder and hands the test its path.
    static func fetchClip(
        _ configure: (inout SandboxConfiguration) -> Void, policy: HLSDownloader.Policy = fastPolicy,
        check: (String, SandboxEndpoint) async throws -> Void
    ) async throws {
        try await withSandbox(configure) { endpoint, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: mac, start: start).preferred)
            let output = directory + "/clip.mp4"
            _ = try await fetcher(policy).fetch(
                url: url, to: output, title: "Test 2023-11-14 22:13:20", creationTime: Date(timeIntervalSince1970: Double(start)),
                refreshURL: { try await client.playbackURLs(device: mac, start: start).preferred! })
            try await check(output, endpoint)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var profile: MediaProfile
        var video: String
        var tag: String
        var audio: String?
        var testDescription: String
    }

    static let cases = [
        Case(profile: .h264AAC, video: "h264", tag: "avc1", audio: "aac", testDescription: "H.264 + AAC in MPEG-TS"),
        Case(profile: .hevcAAC, video: "hevc", tag: "hvc1", audio: "aac", testDescription: "H.265 + AAC"),
        Case(profile: .fragmentedMP4, video: "h264", tag: "avc1", audio: "aac", testDescription: "fMP4"),
        Case(profile: .encrypted, video: "h264", tag: "avc1", audio: "aac", testDescription: "AES-128"),
        Case(profile: .videoOnly, video: "h264", tag: "avc1", audio: nil, testDescription: "no audio"),
        Case(profile: .discontinuity, video: "h264", tag: "avc1", audio: "aac", testDescription: "discontinuity"),
        Case(profile: .timestampWrap, video: "h264", tag: "avc1", audio: "aac", testDescription: "33-bit PTS wrap"),
    ]

    @Test(arguments: cases)
    func everyProfileBecomesAPlayableMP4(_ testCase: Case) async throws {
        try await Self.fetchClip({ $0.account = Self.account(testCase.profile) }) { output, endpoint in
            try await MP4Judge.check(output, video: testCase.video, tag: testCase.tag, audio: testCase.audio, duration: 40)
            #expect(endpoint.cloud.stats.segmentRequests == 10)
            // One initialization section for the whole clip (fMP4), none for MPEG-TS.
            #expect(endpoint.cloud.stats.initRequests == (testCase.profile == .fragmentedMP4 ? 1 : 0))
            let title = try await FFprobe.run("ffprobe", ["-v", "error", "-show_entries", "format_tags=title,creation_time", "-of", "csv=p=0", output])
            #expect(title.contains("Test 2023-11-14 22:13:20"))
            #expect(title.contains("2023-11-14T22:13:20"))
        }
    }

    /// The clip's duration is the written file's, as ffprobe reads it: also where the remux's
    /// own timeline starts elsewhere (an fMP4's edit list, a lead-in dropped before a keyframe).
    @Test(arguments: [(MediaProfile.fragmentedMP4, false), (.h264AAC, true), (.videoOnly, true), (.hevcAAC, false)])
    func theDurationIsTheWrittenFiles(profile: MediaProfile, midGOPStart: Bool) async throws {
        try await withSandbox({ configuration in
            configuration.account = Self.account(profile)
            configuration.faults.media.midGOPStart = midGOPStart
        }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: Self.mac, start: Self.start).preferred)
            let result = try await Self.fetcher().fetch(url: url, to: directory + "/clip.mp4")
            let measured = try await FFprobe.probe(directory + "/clip.mp4").duration
            #expect(abs(result.duration - measured) < 0.001, "fetch says \(result.duration) s, ffprobe \(measured) s")
        }
    }

    @Test func faultsStillEndInACorrectMP4() async throws {
        try await Self.fetchClip({ configuration in
            configuration.account = Self.account(.h264AAC, seconds: 120)
            configuration.faults.failureRate = 0.05
            configuration.faults.truncationRate = 0.05
            configuration.faults.oneShotNotFoundRate = 0.1
            configuration.seed = 7
        }) { output, endpoint in
            try await MP4Judge.check(output, video: "h264", tag: "avc1", audio: "aac", duration: 120)
            let stats = endpoint.cloud.stats
            #expect(stats.segmentRequests > 30, "faults made the fetcher retry")
            #expect(stats.statuses[404, default: 0] > 0)
        }
    }

    @Test func anExpiringURLIsRenewedMidClip() async throws {
        // A signed URL serves 8 requests: the clip's 20 segments need at least two new playlists.
        var policy = Self.fastPolicy
        policy.reorderWindow = 1
        try await Self.fetchClip({ configuration in
            configuration.account = Self.account(.h264AAC, seconds: 80)
            configuration.urlLifetimeInRequests = 8
        }, policy: policy) { output, endpoint in
            try await MP4Judge.check(output, video: "h264", tag: "avc1", audio: "aac", duration: 80)
            #expect(endpoint.cloud.stats.calls["record.play", default: 0] >= 3, "fresh playlists were asked for")
            #expect(endpoint.cloud.stats.statuses[403, default: 0] >= 1)
        }
    }

    @Test func segmentsThatExpireTogetherShareOneNewPlaylist() async throws {
        // A signed URL serves its playlist and 8 segments, and 8 segments are in flight at once:
        // they meet the expiry together. Shared renewals need 3 playlists for 20 segments (the
        // first and two new ones); one renewal per segment that met the 403 would need more.
        try await Self.fetchClip({ configuration in
            configuration.account = Self.account(.h264AAC, seconds: 80)
            configuration.urlLifetimeInRequests = 9
        }) { output, endpoint in
            try await MP4Judge.check(output, video: "h264", tag: "avc1", audio: "aac", duration: 80)
            #expect(endpoint.cloud.stats.statuses[403, default: 0] >= 2)
            #expect(endpoint.cloud.stats.calls["record.play", default: 0] == 3)
        }
    }

    @Test func withKeepsPartialAMissingSegmentBecomesANamedHole() async throws {
        try await withSandbox({ configuration in
            configuration.account = Self.account(.h264AAC)
            configuration.faults.missingSegments = [0, 6]
        }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: Self.mac, start: Self.start).preferred)
            let result = try await Self.fetcher().fetch(url: url, to: directory + "/clip.mp4", keepsPartial: true)
            #expect(result.isPartial)
            #expect(result.holes.map(\.description) == [
                "0-4 s missing (segment 0 is missing on the server (404))", "24-28 s missing (segment 6 is missing on the server (404))",
            ])
            #expect(try await FFprobe.decodeErrors(directory + "/clip.mp4").isEmpty)
            #expect(try await FFprobe.videoFrames(directory + "/clip.mp4").count >= 32 * 15 - 1)
            // The leading hole stays on the timeline: the media starts 4 s in, where it was recorded.
            let first = try #require(try await FFprobe.packetTimes(directory + "/clip.mp4", stream: "v:0").min())
            #expect(abs(first - 4) < 0.2, "first video at \(first) s")
        }
    }

    @Test func aPermanentlyMissingSegmentFailsTheClipAndLeavesNoFile() async throws {
        try await withSandbox({ configuration in
            configuration.account = Self.account(.h264AAC)
            configuration.faults.missingSegments = [6]
        }) { _, client in
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let url = try #require(try await client.playbackURLs(device: Self.mac, start: Self.start).preferred)
            await #expect(throws: HLSError.segmentMissing) {
                _ = try await Self.fetcher().fetch(url: url, to: directory + "/clip.mp4")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "no output, no temporary file")
        }
    }
}

/// The checks every produced MP4 must pass, by ffprobe and ffmpeg.
enum MP4Judge {
    /// `chapters`: the file has chapters, which MP4 keeps in a text track of their own (a data
    /// stream to ffprobe, as ffmpeg itself writes them).
    static func check(_ path: String, video: String, tag: String, audio: String?, duration: Double, chapters: Bool = false,
                      sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let report = try await FFprobe.probe(path)
        #expect(report.formatName.contains("mp4"), sourceLocation: sourceLocation)
        #expect(report.codec("video") == video, sourceLocation: sourceLocation)
        let videoStream = report.streams.first { $0.type == "video" }
        #expect(videoStream?.tag == tag, sourceLocation: sourceLocation)
        // Copied, not re-encoded: the sources are 320x180.
        #expect(videoStream?.width == 320 && videoStream?.height == 180, sourceLocation: sourceLocation)
        #expect(report.codec("audio") == audio, sourceLocation: sourceLocation)
        #expect(report.streams.count == (audio == nil ? 1 : 2) + (chapters ? 1 : 0), sourceLocation: sourceLocation)
        if chapters { #expect(report.streams.last?.type == "data" && report.streams.last?.tag == "text", sourceLocation: sourceLocation) }
        #expect(abs(report.duration - duration) <= 4, "duration \(report.duration), playlist \(duration)", sourceLocation: sourceLocation)
        #expect(try await FFprobe.decodeErrors(path).isEmpty, sourceLocation: sourceLocation)
        #expect(try MP4Boxes.moovBeforeMdat(path), "faststart", sourceLocation: sourceLocation)
        for stream in ["v:0"] + (audio == nil ? [] : ["a:0"]) {
            let times = try await FFprobe.packetTimes(path, stream: stream)
            #expect(!times.isEmpty, sourceLocation: sourceLocation)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "\(stream) timestamps are monotonic", sourceLocation: sourceLocation)
            #expect((times.first ?? 1) < 0.2, "\(stream) starts at zero", sourceLocation: sourceLocation)
        }
    }
}

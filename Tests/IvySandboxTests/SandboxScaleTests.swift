import Foundation
import IvyCloud
import IvyHTTP
import IvySandbox
import IvyTestSupport
import Testing

/// The scale benchmarks' cloud: its clips, and segments padded to a camera's size that stay
/// valid media for ffprobe and for a backup.
@Suite struct SandboxScaleTests {
    static func cloud(_ scenario: ScaleScenario) throws -> (SandboxConfiguration, SandboxCloud) {
        var configuration = SandboxConfiguration()
        try scenario.apply(to: &configuration)
        return (configuration, try SandboxCloud(configuration: configuration, logger: quietLogger))
    }

    static func lengths(_ clips: [SandboxRecording]) -> [Int64] { clips.map { $0.end - $0.start } }
    static func segments(_ clips: [SandboxRecording]) -> Int64 { lengths(clips).reduce(0, +) / 4 }

    @Test func theScaleScenarioIsTheIssuesCloud() throws {
        let (configuration, cloud) = try Self.cloud(ScaleScenario())
        #expect(configuration.segmentBytes == 1_000_000)
        #expect(configuration.account.devices.map(\.profile) == [.h264AAC, .h264AAC])
        let continuous = cloud.recordings(mac: ScaleScenario.continuousCamera)
        #expect(Self.lengths(continuous) == [600, 600, 600])
        #expect(zip(continuous, continuous.dropFirst()).allSatisfy { $0.end == $1.start }, "30 minutes without a break")
        let motion = cloud.recordings(mac: ScaleScenario.motionCamera)
        #expect(motion.count == 30)
        #expect(Self.lengths(motion).allSatisfy { (12...60).contains($0) && $0 % 4 == 0 })
        #expect(Set(Self.lengths(motion)).count >= 5, "lengths drawn from the seed, not all alike")
        // About 0.7 GB of 1 MB segments.
        let total = Self.segments(continuous) + Self.segments(motion)
        #expect((650...780).contains(total), "\(total) segments")
        let now = Int64(Date().timeIntervalSince1970)
        #expect((continuous + motion).allSatisfy { $0.end <= now && $0.start >= now - 2 * 86_400 })

        let (_, again) = try Self.cloud(ScaleScenario())
        #expect(again.recordings(mac: ScaleScenario.motionCamera) == motion, "the same seed, the same clips")
    }

    @Test func tenTimesTheClipsAndTenTimesLongerClips() throws {
        let base = ScaleScenario()
        let (_, more) = try Self.cloud(base.withClips(times: 10))
        #expect(Self.lengths(more.recordings(mac: ScaleScenario.continuousCamera)) == Array(repeating: 600, count: 30))
        let moreMotion = more.recordings(mac: ScaleScenario.motionCamera)
        #expect(moreMotion.count == 300 && Self.lengths(moreMotion).allSatisfy { (12...60).contains($0) })

        let (_, longer) = try Self.cloud(base.withLength(times: 10))
        #expect(Self.lengths(longer.recordings(mac: ScaleScenario.continuousCamera)) == [6000, 6000, 6000])
        let longerMotion = longer.recordings(mac: ScaleScenario.motionCamera)
        #expect(longerMotion.count == 30 && Self.lengths(longerMotion).allSatisfy { (100...600).contains($0) })

        let (_, small) = try Self.cloud(base.withClips(times: 0.34))
        #expect(small.recordings(mac: ScaleScenario.continuousCamera).count == 1)
        #expect(small.recordings(mac: ScaleScenario.motionCamera).count == 10)

        let now = Int64(Date().timeIntervalSince1970)
        for cloud in [more, longer] {
            let clips = cloud.recordings(mac: ScaleScenario.continuousCamera) + cloud.recordings(mac: ScaleScenario.motionCamera)
            #expect(clips.allSatisfy { $0.end <= now })
        }
        #expect(throws: ScaleScenarioError.continuousRecordingTooLong(seconds: 180_000)) {
            try base.withClips(times: 10).withLength(times: 10).check()
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var profile: MediaProfile
        var testDescription: String
    }

    @Test(arguments: [Case(profile: .h264AAC, testDescription: "MPEG-TS"), Case(profile: .encrypted, testDescription: "AES-128")])
    func paddedSegmentsAreAsBigAsAskedAndStillValidMedia(_ testCase: Case) async throws {
        try await withSandbox({ configuration in
            configuration.account = SandboxMediaTests.account(testCase.profile)
            configuration.segmentBytes = 500_000
        }) { _, client in
            let url = try #require(try await client.playbackURLs(device: "00626E00AA01", start: 1_700_000_000).preferred)
            let segment = try await sharedTransport.execute(HTTPRequest(url: url.replacingOccurrences(of: "index.m3u8", with: "0.ts")), maxBodySize: 1 << 24)
            // A whole number of packets, at most the size asked (AES-128 rounds up to its block).
            #expect((500_000 - 188...500_000 + 16).contains(segment.body.count), "\(segment.body.count) bytes")
            if !testCase.profile.encrypted { #expect(segment.body.count % 188 == 0) }

            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let output = directory + "/clip.mp4"
            try await FFprobe.run("ffmpeg", ["-nostdin", "-v", "error", "-allowed_extensions", "ALL", "-i", url, "-c", "copy", output])
            let report = try await FFprobe.probe(output)
            #expect(report.codec("video") == "h264" && report.codec("audio") == "aac")
            #expect(abs(report.duration - 40) < 0.2, "duration \(report.duration)")
            #expect(try await FFprobe.packetTimes(output, stream: "v:0").count == 600, "the padding adds no packet")
            #expect(try await FFprobe.decodeErrors(output).isEmpty)
        }
    }

    @Test func aBackupArchivesPaddedClipsWholly() async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            // One 40 s clip in the last day (a backup looks no further back than the cloud keeps).
            account.devices = [SandboxDevice(mac: "00626E00AA01", name: "Test", productName: "FI9900P", profile: .h264AAC,
                                             layout: RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 0, chunkSeconds: 40))]
            configuration.account = account
            configuration.segmentBytes = 1_000_000
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let result = try await CLIProcess.run(["backup"], environment: endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"]))
            #expect(result.status == 0, "\(result.stderr)")
            let files = mp4Files(in: archive)
            #expect(files.count == 1)
            let clip = archive + "/" + (files.first ?? "")
            let report = try await FFprobe.probe(clip)
            #expect(abs(report.duration - 40) < 0.2, "duration \(report.duration)")
            #expect(try await FFprobe.decodeErrors(clip).isEmpty)
            #expect(endpoint.cloud.stats.mediaBytesSent >= 10 * 1_000_000 - 10 * 188, "the padded segments were sent")
            // The null packets stay out of the archive: what is left is the template's media.
            let size = try FileManager.default.attributesOfItem(atPath: clip)[.size] as? Int ?? 0
            #expect(size < 2_000_000, "\(size) bytes")
        }
    }
}

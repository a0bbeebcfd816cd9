import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// The backup through the messy media and serving of the field (`MediaFaults`), end to end:
/// every clip archived whole and valid (judged by ffprobe and ffmpeg's decoder), and a second
/// run that fetches nothing. A segment the cloud never gives makes a partial clip, which a
/// later run replaces.
@Suite struct BackupMessyStreamTests {
    static let mac = "00626E00CC01"
    /// Fixed clips, so that two sandboxes list the same ones: 40 s and 24 s, 4 s segments.
    static let start: Int64 = 1_795_000_000
    static let clips = [SandboxRecording(start: start, end: start + 40, type: 0), SandboxRecording(start: start + 600, end: start + 624, type: 2)]

    enum Knob: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case repeatedAudioTimestamp, restartAtDiscontinuity, silentAudio, midGOPStart, html200, gzip, redirect, gap
        var testDescription: String { rawValue }
    }

    static func configure(_ knob: Knob?, missing: Set<Int> = []) -> @Sendable (inout SandboxConfiguration) -> Void {
        { configuration in
            var account = SandboxAccount.demo()
            let profile: MediaProfile = knob == .restartAtDiscontinuity ? .discontinuity : .h264AAC
            account.devices = [SandboxDevice(mac: mac, name: "Yard", productName: "FI9900P", profile: profile, fixedRecordings: clips)]
            configuration.account = account
            configuration.faults.missingSegments = missing
            switch knob {
            case .repeatedAudioTimestamp: configuration.faults.media.repeatedAudioTimestamp = true
            case .restartAtDiscontinuity: configuration.faults.media.restartAtDiscontinuity = true
            case .silentAudio: configuration.faults.media.silentSegments = [2, 3, 4]  // 12 s without audio
            case .midGOPStart: configuration.faults.media.midGOPStart = true
            case .html200: configuration.faults.media.htmlOnceRate = 0.3
            case .gzip: configuration.faults.media.gzip = true
            case .redirect: configuration.faults.media.redirect = true
            case .gap: configuration.faults.media.gapSegments = [2]
            case nil: break
            }
        }
    }

    static func run(_ client: CloudClient, archive: String) async throws -> Backup.Summary {
        var policy = HLSDownloader.Policy()
        policy.retry.baseDelay = .milliseconds(5)
        policy.retry.maxDelay = .milliseconds(50)
        policy.notFoundRetries = 1
        let backup = Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), policy: policy, logger: quietLogger)
        var options = Backup.Options(archive: archive, layout: try ArchiveLayout())
        options.timeZone = TimeZone(identifier: "UTC")!
        options.retryPause = nil
        options.from = start - 3600
        options.to = start + 3600
        return try await backup.run(options)
    }

    /// Exports seconds `from`-`to` of the first clip from `archive` into `output`.
    static func export(_ client: CloudClient, archive: String, from: Int64, to: Int64, output: String) async throws -> ExportRecord {
        var request = Export.Request(device: "Yard", from: ExportTests.time(start + from), to: ExportTests.time(start + to), output: output)
        request.timeZone = TimeZone(identifier: "UTC")!
        request.archive = archive
        return try await ExportTests.export(client).run(request)
    }

    /// A rebuilt catalog cannot tell a recording's gap from a missing segment: the stretch
    /// without media is found in the file and taken as missing (the clip partial), never lost;
    /// the next backup fetches the clip again and names the gap.
    @Test func aRebuiltCatalogKeepsTheStretchesWithoutMedia() async throws {
        try await withSandbox(Self.configure(.gap)) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            _ = try await Self.run(client, archive: archive)
            let folder = try ArchiveFolder.open(archive)
            let before = try await Catalog(path: folder.catalogPath, readOnly: true).archived()
            #expect(before.allSatisfy { $0.state == .archived && $0.holes.map(\.start) == [8] && $0.holes.first?.unavailableReason == nil }, "\(before)")

            _ = try await CatalogRebuild.run(archive: archive, layout: try ArchiveLayout(), timeZone: { _ in TimeZone(identifier: "UTC")! }) { _, _ in }
            let rebuilt = try await Catalog(path: folder.catalogPath, readOnly: true).archived()
            #expect(rebuilt.count == before.count)
            for clip in rebuilt {
                #expect(clip.state == .partial, "\(clip)")
                let hole = try #require(clip.holes.first)
                // Found in the file: from the last packet before the gap to the first after it.
                #expect(abs(hole.start - 8) < 0.5 && abs(hole.duration - 4) < 0.5 && hole.unavailableReason != nil, "\(clip.holes)")
            }

            _ = try await Self.run(client, archive: archive)
            let again = try await Catalog(path: folder.catalogPath, readOnly: true).archived()
            #expect(again.allSatisfy { $0.state == .archived && $0.holes.first?.unavailableReason == nil && $0.holes.count == 1 }, "\(again)")
        }
    }

    @Test(arguments: Knob.allCases)
    func everyClipIsArchivedWholeThroughTheFault(_ knob: Knob) async throws {
        try await withSandbox(Self.configure(knob)) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let summary = try await Self.run(client, archive: archive)
            #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
            #expect(summary.partial.isEmpty)
            #expect(summary.archived == Self.clips.count)

            let files = mp4Files(in: archive).sorted()
            #expect(files.count == Self.clips.count)
            for (file, clip) in zip(files, Self.clips) {
                let path = archive + "/" + file
                let seconds = Double(clip.end - clip.start)
                let report = try await FFprobe.probe(path)
                #expect(abs(report.duration - seconds) <= 1, "\(file): \(report.duration) s of \(seconds) s")
                #expect(try await FFprobe.decodeErrors(path).isEmpty, "\(file) decodes without errors")
                // 15 fps; a mid-GOP start loses the first segment's frames, a gap its segment's.
                let lost = knob == .midGOPStart || knob == .gap ? 4.0 : 0
                let video = try await FFprobe.videoFrames(path)
                #expect(Double(video.count) >= (seconds - lost) * 15 - 1, "\(file): \(video.count) video frames")
                let audio = try await FFprobe.packetTimes(path, stream: "a:0")
                let frames = try await FFprobe.packetTimes(path, stream: "v:0")
                #expect(abs((audio.max() ?? 0) - (frames.max() ?? 0)) < 0.5, "\(file): audio ends with the video")
                if knob == .silentAudio {
                    // The 12 s without audio stay a hole at 8-20 s: later audio is not pulled early.
                    let hole = zip(audio.sorted(), audio.sorted().dropFirst()).map { $1 - $0 }.max() ?? 0
                    #expect(hole > 11, "\(file): audio hole of \(hole) s")
                }
            }
            let stats = endpoint.cloud.stats
            switch knob {
            case .gap: #expect(stats.gapSegmentRequests == 0, "EXT-X-GAP segments are never asked for")
            case .html200: #expect(stats.htmlAnswers > 0)
            case .redirect: #expect(stats.statuses[302, default: 0] > 0)
            default: break
            }
            if knob == .gap {
                let catalog = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite")
                let clip = try #require(try await catalog.clip(ClipKey(camera: CameraID(Self.mac)!, start: Self.start)))
                #expect(clip.state == .archived)
                #expect(clip.holes.map(\.start) == [8] && clip.holes.allSatisfy { !$0.isUnavailable }, "the gap is recorded as a gap")

                // An export over it marks the gap in its sidecar and with chapters.
                let output = try makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: output) }
                let record = try await Self.export(client, archive: archive, from: 0, to: 40, output: output + "/gap.mp4")
                #expect(record.clips.first?.holes?.count == 1 && record.clips.first?.holes?.first?.missing == nil)
                let chapters = try await FFprobe.chapters(output + "/gap.mp4")
                let gap = chapters.first { $0.title.hasPrefix("no recording from") }
                #expect(gap.map { abs($0.start - 8) < 0.5 && abs($0.end - 12) < 0.5 } == true, "\(chapters)")
            }

            endpoint.cloud.resetStats()
            let second = try await Self.run(client, archive: archive)
            #expect(second.archived == 0 && second.failures.isEmpty, "\(second.failures.map(\.reason))")
            #expect(endpoint.cloud.stats.segmentRequests == 0, "a second run fetches nothing")
        }
    }

    @Test func aSegmentTheCloudNeverGivesMakesAPartialClipThatALaterRunReplaces() async throws {
        let archive = try makeArchiveDirectory()
        defer { try? FileManager.default.removeItem(atPath: archive) }
        let catalogPath = archive + "/.ivy-archiver/catalog.sqlite"
        try await withSandbox(Self.configure(nil, missing: [3])) { _, client in
            let summary = try await Self.run(client, archive: archive)
            #expect(summary.failures.isEmpty)
            #expect(summary.archived == Self.clips.count)
            #expect(summary.partial.count == Self.clips.count)
            #expect(summary.partial.first?.holes.map(\.start) == [12], "segment 3 is 12-16 s")
            let clip = try #require(try await Catalog(path: catalogPath).clip(ClipKey(camera: CameraID(Self.mac)!, start: Self.start)))
            #expect(clip.state == .partial)
            #expect(clip.holes.count == 1 && clip.holes[0].isUnavailable)
            let path = archive + "/" + (clip.file ?? "")
            #expect(try await FFprobe.decodeErrors(path).isEmpty)
            #expect(try await FFprobe.videoFrames(path).count >= 36 * 15 - 1, "the rest of the clip is there")
            let report = try await Verify.run(archive: archive)
            #expect(report.problems.isEmpty && report.partial.count == Self.clips.count)
            #expect(BackupMetrics(account: "a", finishedAt: Date(), durationSeconds: 1, exitCode: 1, lastSuccess: nil, summary: summary).prometheusText()
                .contains("ivy_archiver_clips_partial{account=\"a\"} 2\n"))

            // An export over the partial clip says so in its sidecar.
            let output = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: output) }
            let record = try await Self.export(client, archive: archive, from: 5, to: 30, output: output + "/incident.mp4")
            let twelve = RecordingTime(Self.start + 12).iso8601(in: TimeZone(identifier: "UTC")!, milliseconds: true)
            #expect(record.summary.partialClips.count == 1 && record.summary.partialClips[0].contains("is partial: \(twelve) to "),
                    "\(record.summary.partialClips)")
            #expect(record.clips.first?.holes?.first?.missing != nil)
        }
        // The cloud gives the segment now: the partial files are replaced by whole ones.
        try await withSandbox(Self.configure(nil)) { endpoint, client in
            let summary = try await Self.run(client, archive: archive)
            #expect(summary.failures.isEmpty && summary.partial.isEmpty)
            #expect(summary.archived == Self.clips.count)
            let clip = try #require(try await Catalog(path: catalogPath).clip(ClipKey(camera: CameraID(Self.mac)!, start: Self.start)))
            #expect(clip.state == .archived && clip.holes.isEmpty)
            #expect(try await FFprobe.videoFrames(archive + "/" + (clip.file ?? "")).count >= 40 * 15 - 1)
            #expect(mp4Files(in: archive).count == Self.clips.count, "replaced, not added")
            #expect(try await Verify.run(archive: archive).partial.isEmpty)
            endpoint.cloud.resetStats()
            _ = try await Self.run(client, archive: archive)
            #expect(endpoint.cloud.stats.segmentRequests == 0)
        }
    }
}

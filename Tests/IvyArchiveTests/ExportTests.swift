import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyHTTP
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// Incident exports against the in-process sandbox, judged by ffprobe, the sidecar and the
/// sandbox's request counters. Media: 15 fps, a keyframe every 4 s (one per segment).
@Suite struct ExportTests {
    static let mac = "00626E00EE01"
    /// Three hours ago, on a whole minute.
    static let base = (Int64(Date().timeIntervalSince1970) - 3 * 3600) / 60 * 60

    /// A 40 s clip, a 20 s gap, two abutting clips, a motion clip inside the second of them,
    /// and one that overlaps its end.
    static func configure(_ configuration: inout SandboxConfiguration) {
        var account = SandboxAccount.demo()
        let clips = [(0, 40, 0), (60, 100, 0), (100, 140, 0), (110, 130, 2), (120, 160, 2)]
        account.devices = [SandboxDevice(mac: mac, name: "Door", productName: "FI9900P", profile: .h264AAC,
                                         fixedRecordings: clips.map { SandboxRecording(start: base + Int64($0.0), end: base + Int64($0.1), type: $0.2) })]
        configuration.account = account
    }

    static func request(_ from: Int64, _ to: Int64, output: String) -> Export.Request {
        var request = Export.Request(device: "Door", from: time(base + from), to: time(base + to), output: output)
        request.timeZone = TimeZone(identifier: "UTC")!
        return request
    }

    static func time(_ unix: Int64) -> ExportTime {
        let formatter = ISO8601DateFormatter()
        return try! ExportTime.parse(formatter.string(from: Date(timeIntervalSince1970: Double(unix))))
    }

    static func export(_ client: CloudClient) -> Export {
        Export(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), logger: quietLogger)
    }

    /// Video duration and frames by ffprobe; chapters; every general check of a produced MP4.
    static func judge(_ path: String, expected: Double, tolerance: Double, chapters: Int) async throws {
        try await MP4Judge.check(path, video: "h264", tag: "avc1", audio: "aac", duration: expected, chapters: true)
        let video = try await FFprobe.videoFrames(path)
        #expect(abs(video.duration - expected) <= tolerance, "video lasts \(video.duration) s, recorded time in the window \(expected) s")
        #expect(try await FFprobe.chapters(path).count == chapters)
        #expect(try await ExportRecord.verify(path).problems.isEmpty)
    }

    @Test func aWindowInsideOneClip() async throws {
        try await withSandbox(Self.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/inside.mp4"
            let record = try await Self.export(client).run(Self.request(10, 30, output: output))
            // Keyframes at 8 s and 32 s: the file holds the window and at most one GOP more.
            try await Self.judge(output, expected: 20, tolerance: 4, chapters: 1)
            #expect(record.actual.from.unix <= Double(Self.base + 10) && record.actual.to.unix >= Double(Self.base + 30))
            #expect(record.clips.count == 1 && record.gaps.isEmpty && record.mode == .copy)
            #expect(record.clips[0].source == .cloud && record.clips[0].url?.contains("?") == false)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["inside.mp4", "inside.mp4.json"])
        }
    }

    @Test(arguments: [false, true])
    func aWindowOverThreeClipsAGapAndOverlaps(exact: Bool) async throws {
        try await withSandbox(Self.configure) { endpoint, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/incident.mp4"
            var request = Self.request(exact ? 21 : 20, exact ? 149 : 150, output: output)
            request.exact = exact
            let record = try await Self.export(client).run(request)
            // A 20-40, B 60-100, C 100-140, E 140-150 (D lies inside C; E's start is under C).
            let recorded: Double = exact ? 19 + 40 + 40 + 9 : 20 + 40 + 40 + 10
            // A chapter per joined clip, and one where each motion event starts (D at 110 and
            // E at 120, both inside C); D ends while E runs: no chapter there.
            try await Self.judge(output, expected: recorded, tolerance: exact ? 1.0 / 15 + 0.001 : 4, chapters: 6)
            // Every clip of the window is listed, D too, though its time comes from C.
            #expect(record.clips.map { $0.start.unix - Double(Self.base) } == [0, 60, 100, 110, 120])
            #expect(record.gaps.map { [$0.from.unix - Double(Self.base), $0.to.unix - Double(Self.base)] } == [[40, 60]])
            #expect(record.clips.map(\.type) == ["continuous", "continuous", "continuous", "motion", "motion"])
            #expect(record.clips.map { $0.used != nil } == [true, true, true, false, true])
            #expect(record.clips[3].note?.contains("its time is in the file from the continuous clip from") == true, "\(record.clips[3].note ?? "")")
            let joined = record.clips.filter { $0.used != nil }
            #expect(zip(joined, joined.dropFirst()).allSatisfy { $0.outputEnd! <= $1.outputStart! + 0.001 })
            if exact {
                #expect(record.actual.from.unix == Double(Self.base + 21) && record.actual.to.unix == Double(Self.base + 149))
                #expect(record.clips[0].reencodedFrames == 45, "21 s to the keyframe at 24 s")
            }
            // ffprobe's chapters: each joined clip's at its place, each event's titled with its
            // start and type, 10 s and 20 s into C.
            let chapters = try await FFprobe.chapters(output)
            let clock = { (offset: Int64) in RecordingTime(Self.base + offset).wallClock(in: TimeZone(identifier: "UTC")!) }
            let b: Double = joined[1].outputStart ?? -1, c: Double = joined[2].outputStart ?? -1, e: Double = joined[3].outputStart ?? -1
            let motion110: String = clock(110) + " motion", motion120: String = clock(120) + " motion"
            let expected: [(Double, String)] = [(0, clock(exact ? 21 : 20)), (b, clock(60)), (c, clock(100)), (c + 10, motion110), (c + 20, motion120), (e, clock(140))]
            #expect(chapters.count == expected.count)
            for (chapter, (start, title)) in zip(chapters, expected) {
                #expect(abs(chapter.start - start) < 0.01 && chapter.title == title, "\(chapter) is not \(start) \(title)")
            }
            let d: ExportRecord.Chapter? = record.clips[3].chapter, e2: ExportRecord.Chapter? = record.clips[4].chapter
            #expect(d?.title == motion110 && abs((d?.at ?? 0) - (c + 10)) < 0.002)
            #expect(e2?.title == motion120 && abs((e2?.at ?? 0) - (c + 20)) < 0.002)
            let events: [String] = record.summary.events
            #expect(events.count == 2 && events[0].contains("motion: chapter '\(motion110)' at"), "\(events)")
            // Only the clips the window needs were fetched.
            let fetched = Set(endpoint.cloud.stats.segmentRequestsByClip.keys)
            #expect(fetched == Set([Int64(0), 60, 100, 120].map { "\(Self.mac)/\(Self.base + $0)" }))
        }
    }

    @Test func aWindowPartlyOutsideAnyRecording() async throws {
        try await withSandbox(Self.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/edge.mp4"
            let record = try await Self.export(client).run(Self.request(-30, 20, output: output))
            try await Self.judge(output, expected: 20, tolerance: 4, chapters: 1)
            #expect(record.actual.from.unix == Double(Self.base), "the file starts where the camera started recording")
            #expect(record.requested.from.unix == Double(Self.base - 30))
        }
    }

    @Test func anExportFromTheArchiveFetchesNoSegment() async throws {
        try await withSandbox(Self.configure) { endpoint, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let archive = folder + "/archive"
            _ = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            endpoint.cloud.resetStats()
            var request = Self.request(20, 150, output: folder + "/from-archive.mp4")
            request.archive = archive
            let record = try await Self.export(client).run(request)
            #expect(endpoint.cloud.stats.segmentRequests == 0 && endpoint.cloud.stats.playlistRequests == 0)
            let joined = record.clips.filter { $0.used != nil }
            #expect(joined.count == 4 && joined.allSatisfy { $0.source == .archive && $0.file != nil })
            let catalog = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite")
            for clip in joined {
                let known = try #require(try await catalog.clip(ClipKey(camera: CameraID(Self.mac)!, start: Int64(clip.start.unix))))
                #expect(clip.sha256 == known.sha256)
                #expect(clip.sha256 == (try await sha256sum(archive + "/" + (clip.file ?? ""))))
                #expect(clip.url != nil && clip.url?.contains("?") == false)
                #expect(clip.size == known.size)
            }
            try await Self.judge(folder + "/from-archive.mp4", expected: 110, tolerance: 4, chapters: 6)

            // An archived clip changed by hand is not trusted: that one comes from the cloud.
            let changed = archive + "/" + (record.clips[1].file ?? "")
            var bytes = try Data(contentsOf: URL(fileURLWithPath: changed))
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: changed))
            endpoint.cloud.resetStats()
            request.force = true
            let again = try await Self.export(client).run(request)
            #expect(again.clips.map(\.source) == [.archive, .cloud, .archive, nil, .archive])
            #expect(Set(endpoint.cloud.stats.segmentRequestsByClip.keys) == ["\(Self.mac)/\(Self.base + 60)"])
        }
    }

    @Test func anArchiveExportsWhenTheCloudCannotBeReached() async throws {
        try await withSandbox(Self.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var request = Self.request(20, 150, output: folder + "/offline.mp4")
            request.archive = folder + "/archive"
            _ = try await BackupTests.backup(client).run(try BackupTests.options(folder + "/archive"))

            // Nothing listens on port 1: every call fails to connect.
            let unreachable = CloudClient(
                configuration: CloudConfiguration(apiURL: "http://127.0.0.1:1", oemCode: "SANDBOX",
                                                  credentials: .password(username: "demo@example.com", password: "sandbox-password"),
                                                  retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))),
                transport: sharedTransport, logger: quietLogger)
            let record = try await Self.export(unreachable).run(request)
            #expect(record.clips.allSatisfy { $0.source == .archive || $0.used == nil } && record.clips.count == 5)
            #expect(record.notes?.first?.contains("the cloud could not be reached") == true)
            // Said in the summary too, which a person reads first.
            #expect(record.summary.notes == record.notes && record.summary.notes?.first?.hasSuffix("only archived clips are in this export") == true,
                    "\(record.summary)")
            let text = try String(contentsOfFile: folder + "/offline.mp4.json", encoding: .utf8)
            let first = try #require(text.range(of: "only archived clips are in this export"))
            #expect(first.lowerBound < (text.range(of: "\"device\"")?.lowerBound ?? text.startIndex), "in the summary, before the device")
            #expect(record.device.model == "unknown" && record.summary.model == "unknown", "the catalog keeps no model")
            try await Self.judge(folder + "/offline.mp4", expected: 110, tolerance: 4, chapters: 6)

            // Without an archive there is nothing to fall back on: the cloud's failure is the answer.
            request.archive = nil
            request.output = folder + "/nothing.mp4"
            await #expect(throws: CloudClientError.transport) { _ = try await Self.export(unreachable).run(request) }
            #expect(!FileManager.default.fileExists(atPath: folder + "/nothing.mp4"))
        }
    }

    @Test func saveArchivesTheWindowFirstAndExportsFromThere() async throws {
        try await withSandbox(Self.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var request = Self.request(20, 70, output: folder + "/saved.mp4")
            request.archive = try ArchiveFolder.create(at: folder + "/archive").folder.root
            request.save = true
            let record = try await Self.export(client).run(request)
            #expect(record.clips.map(\.source) == [.archive, .archive])
            let archived = try await Catalog(path: folder + "/archive/.ivy-archiver/catalog.sqlite").archived(CameraID(Self.mac)!)
            #expect(archived.map { $0.start - Self.base } == [0, 60])
            #expect(try await Verify.run(archive: folder + "/archive").problems.isEmpty)
        }
    }

    @Test func theSidecarCatchesAOneByteChange() async throws {
        try await withSandbox(Self.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let output = folder + "/evidence.mp4"
            let record = try await Self.export(client).run(Self.request(0, 40, output: output))
            #expect(try await ExportRecord.verify(output).problems.isEmpty)
            #expect(record.output.sha256 == (try await sha256sum(output)))
            var bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            bytes[bytes.count - 10] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: output))
            let problems = try await ExportRecord.verify(output).problems
            #expect(problems.count == 1 && problems[0].contains("SHA-256"), "\(problems)")
        }
    }
}

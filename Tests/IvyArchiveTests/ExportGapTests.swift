import Foundation
import IvyArchive
import IvyDomain
import IvyHLS
import IvySandbox
import IvyTestSupport
import Testing

/// A clip with an `EXT-X-GAP` stretch (the camera recorded nothing there) exported in parts:
/// the sidecar's summary lists the hole only where it is in the file.
@Suite struct ExportGapTests {
    static let mac = "00626E00EE31"
    /// Three hours ago, on a whole minute.
    static let base = (Int64(Date().timeIntervalSince1970) - 3 * 3600) / 60 * 60

    /// One 40 s continuous clip; its segment 2 (8-12 s) is an `EXT-X-GAP`.
    static func configure(_ configuration: inout SandboxConfiguration) {
        var account = SandboxAccount.demo()
        account.devices = [SandboxDevice(mac: mac, name: "Yard", productName: "FI9900P", profile: .h264AAC,
                                         fixedRecordings: [SandboxRecording(start: base, end: base + 40, type: 0)])]
        configuration.account = account
        configuration.faults.media.gapSegments = [2]
    }

    static func request(_ from: Int64, _ to: Int64, output: String) -> Export.Request {
        var request = Export.Request(device: "Yard", from: ExportTests.time(base + from), to: ExportTests.time(base + to), output: output)
        request.timeZone = TimeZone(identifier: "UTC")!
        return request
    }

    static func time(_ seconds: Int64) -> String {
        RecordingTime(base + seconds).iso8601(in: TimeZone(identifier: "UTC")!, milliseconds: true)
    }

    @Test func aHoleOutsideTheExportedPartIsNotListed() async throws {
        try await withSandbox(Self.configure) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }

            // The whole clip: the hole is in the file, in the words `ls` and the pages use.
            let whole = try await ExportTests.export(client).run(Self.request(0, 40, output: folder + "/whole.mp4"))
            #expect(whole.clips.first?.holes?.count == 1, "the clip has its hole: \(String(describing: whole.clips.first?.holes))")
            #expect(whole.summary.gaps == ["inside the continuous clip from \(Self.time(0)): no recording from \(Self.time(8)) to \(Self.time(12)) (4s) "
                + "(the camera recorded nothing there)"], "\(whole.summary.gaps)")

            // 20-36 s: keyframes every 4 s, so the file starts at 20 s, 8 s after the hole.
            let after = try await ExportTests.export(client).run(Self.request(20, 36, output: folder + "/after.mp4"))
            let used = try #require(after.clips.first?.used)
            #expect(used.from.unix >= Double(Self.base + 12), "the file starts after the hole: \(used.from.time)")
            #expect(after.summary.gaps.isEmpty, "the hole is not in the file: \(after.summary.gaps)")
            #expect(after.summary.cuts.contains { $0.contains("\(Self.time(0)) to \(used.from.time)") && $0.hasSuffix("left out") },
                    "the cuts say the part with the hole was left out: \(after.summary.cuts)")

            // 0-10 s cut exactly: at most 8-10 s of the hole is in the file, and only up to
            // where the file ends.
            var exact = Self.request(0, 10, output: folder + "/exact.mp4")
            exact.exact = true
            let part = try await ExportTests.export(client).run(exact)
            let end = try #require(part.clips.first?.used?.to)
            if end.unix - Double(Self.base + 8) >= 0.001 {
                #expect(part.summary.gaps.count == 1
                        && part.summary.gaps.allSatisfy { $0.contains("no recording from \(Self.time(8)) to \(end.time) (") },
                        "the hole clipped to the end of the file (\(end.time)): \(part.summary.gaps)")
            } else {
                #expect(part.summary.gaps.isEmpty, "the file ends at \(end.time), before the hole: \(part.summary.gaps)")
            }
        }
    }

    /// The same for a segment the cloud never gives (a partial clip): only what is missing from
    /// the part in the file is listed.
    @Test func aMissingStretchOutsideTheExportedPartIsNotListed() async throws {
        try await withSandbox({ configuration in
            Self.configure(&configuration)
            configuration.faults.media.gapSegments = []
            configuration.faults.missingSegments = [2]
        }) { _, client in
            let folder = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            // The cloud's copy cannot be exported; the archive keeps the clip as partial.
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var policy = HLSDownloader.Policy()
            policy.retry.baseDelay = .milliseconds(5)
            policy.retry.maxDelay = .milliseconds(50)
            policy.notFoundRetries = 1
            var options = Backup.Options(archive: archive, layout: try ArchiveLayout())
            options.timeZone = TimeZone(identifier: "UTC")!
            options.retryPause = nil
            options.from = Self.base - 3600
            options.to = Self.base + 3600
            let backup = Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), policy: policy, logger: quietLogger)
            #expect(try await backup.run(options).partial.count == 1)
            func request(_ from: Int64, _ to: Int64, _ name: String) -> Export.Request {
                var request = Self.request(from, to, output: folder + "/" + name)
                request.archive = archive
                return request
            }
            let whole = try await ExportTests.export(client).run(request(0, 40, "whole.mp4"))
            #expect(whole.summary.partialClips.count == 1 && whole.summary.partialClips[0].contains("\(Self.time(8)) to \(Self.time(12))"),
                    "\(whole.summary.partialClips)")
            let after = try await ExportTests.export(client).run(request(20, 36, "after.mp4"))
            #expect(after.summary.partialClips.isEmpty, "the missing stretch is not in the file: \(after.summary.partialClips)")
        }
    }
}

import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyDomain
import IvySandbox
import IvyTestSupport
import Synchronization
import Testing

/// A playlist is held to the recording it claims to be: its length to the listing's, its
/// URIs to its own host.
@Suite struct BackupBoundsTests {
    static let mac = "00626E00AC01"
    static let start = Int64(Date().timeIntervalSince1970) / 3600 * 3600 - 3 * 3600

    /// One 120 s clip; the listing is rewritten to say it lasts `listed` seconds.
    static func oneClip(listed: Int64?) -> (inout SandboxConfiguration) -> Void {
        { configuration in
            var account = SandboxAccount.demo()
            account.devices = [SandboxDevice(mac: mac, name: "Gate", productName: "FI9900P", profile: .h264AAC,
                                             fixedRecordings: [SandboxRecording(start: start, end: start + 120, type: 2)])]
            configuration.account = account
            if let listed {
                configuration.faults.answers = [AnswerFault(service: "record.query", answer: .rewrite {
                    $0.replacingOccurrences(of: "\"\(start + 120)\"", with: "\"\(start + listed)\"")
                })]
            }
        }
    }

    static func run(_ client: CloudClient, policy: HLSDownloader.Policy = .init()) async throws -> (Backup.Summary, String) {
        let archive = try makeArchiveDirectory()
        let backup = Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), policy: policy, logger: quietLogger)
        return (try await backup.run(try BackupTests.options(archive)), archive)
    }

    @Test func aPlaylistFarLongerThanItsRecordingIsNotFetched() async throws {
        try await withSandbox(Self.oneClip(listed: 8)) { endpoint, client in
            let (summary, archive) = try await Self.run(client)
            defer { try? FileManager.default.removeItem(atPath: archive) }
            #expect(summary.archived == 0)
            #expect(summary.failures.first?.reason.contains("does not fit the recording") == true, "\(summary.failures)")
            #expect(endpoint.cloud.stats.segmentRequests == 0)
        }
    }

    @Test func aPlaylistFarShorterThanItsRecordingIsKeptAsPartial() async throws {
        try await withSandbox(Self.oneClip(listed: 180)) { _, client in
            let (summary, archive) = try await Self.run(client)
            defer { try? FileManager.default.removeItem(atPath: archive) }
            #expect(summary.partial.count == 1, "\(summary)")
            #expect(summary.partial.first?.holes.contains { $0.unavailableReason?.contains("ends 60 s before the recording") == true } == true)
            let catalog = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite", readOnly: true)
            #expect(try await catalog.clip(ClipKey(camera: CameraID(Self.mac)!, start: Self.start))?.state == .partial, "tried again next run")
        }
    }

    @Test func segmentsOnAnotherHostAreRefusedUnlessAllowed() async throws {
        try await withSandbox({ Self.oneClip(listed: nil)(&$0); $0.faults.media.segmentHost = "localhost" }) { endpoint, client in
            let (refused, first) = try await Self.run(client)
            defer { try? FileManager.default.removeItem(atPath: first) }
            #expect(refused.archived == 0)
            #expect(refused.failures.first?.reason.contains("is on localhost, not on the playlist's 127.0.0.1") == true, "\(refused.failures)")
            #expect(endpoint.cloud.stats.segmentRequests == 0)

            var policy = HLSDownloader.Policy()
            policy.allowedMediaHosts = ["LOCALHOST"]
            let (allowed, second) = try await Self.run(client, policy: policy)
            defer { try? FileManager.default.removeItem(atPath: second) }
            #expect(allowed.archived == 1, "\(allowed.failures)")
        }
    }
}

/// `--deadline`: the run ends when told, with what is done archived, nothing half-written,
/// the rest reported and left for the next run. Driven by counting clips, never by the clock.
@Suite struct BackupDeadlineTests {
    @Test func aRunEndsAtItsDeadlineAndTheNextTakesTheRest() async throws {
        try await withSandbox(BackupTests.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let expected = endpoint.cloud.configuration.account.devices.map { endpoint.cloud.recordings(mac: $0.mac).count }.reduce(0, +)
            try #require(expected >= 4)
            let archived = Mutex(0)
            var options = try BackupTests.options(archive)
            options.jobs = 1
            options.deadline = RunDeadline { archived.withLock { $0 >= 2 } }
            let first = try await BackupTests.backup(client).run(options) { event in
                if case .archived = event { archived.withLock { $0 += 1 } }
            }
            #expect(first.archived >= 2 && first.archived < expected, "\(first.archived) of \(expected)")
            #expect(first.archived + first.unfinished == expected)
            #expect(BackupMetrics(account: "a", finishedAt: Date(), durationSeconds: 1, exitCode: 1, lastSuccess: nil, summary: first).prometheusText()
                .contains("ivy_archiver_clips_unfinished{account=\"a\"} \(first.unfinished)\n"))
            #expect(first.failures.isEmpty, "\(first.failures)")
            #expect(BackupTests.files(archive).count == first.archived)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver/tmp")
            #expect(leftovers.isEmpty, "\(leftovers)")

            var next = try BackupTests.options(archive)
            next.overlap = 0
            let second = try await BackupTests.backup(client).run(next)
            #expect(second.archived == first.unfinished)
            #expect(BackupTests.files(archive).count == expected)
        }
    }
}

/// An AES-128 clip's segments are fetched eight at a time; its key is fetched once for all.
@Suite struct SharedKeyTests {
    @Test func concurrentSegmentsShareOneKeyFetchPerClip() async throws {
        try await withSandbox { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let encrypted = try #require(endpoint.cloud.configuration.account.devices.first { $0.profile.encrypted })
            var options = try BackupTests.options(archive)
            options.devices = [encrypted.mac]
            let summary = try await BackupTests.backup(client).run(options)
            #expect(summary.failures.isEmpty, "\(summary.failures)")
            #expect(summary.archived == endpoint.cloud.recordings(mac: encrypted.mac).count)
            #expect(endpoint.cloud.stats.keyRequests == summary.archived)
            #expect(endpoint.cloud.stats.segmentRequests > 2 * summary.archived)
        }
    }
}

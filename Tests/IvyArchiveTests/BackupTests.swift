import Foundation
import IvyArchive
import IvyCloud
import IvyHLS
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// The backup against the in-process sandbox, judged by the files, ffprobe and the sandbox's
/// request counters.
@Suite struct BackupTests {
    static func configure(_ configuration: inout SandboxConfiguration) {
        var account = SandboxAccount.demo()
        let layout = RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 2, chunkSeconds: 40)
        account.devices = [
            SandboxDevice(mac: "00626E00BB01", name: "Front Door", productName: "FI9900P", profile: .h264AAC, layout: layout),
            SandboxDevice(mac: "00626E00BB02", name: "../../etc", productName: "FI9961EP", profile: .hevcAAC, layout: layout),
        ]
        configuration.account = account
    }

    /// Options for a backup into `archive`, made an archive first (as `init` does) when it is not one.
    static func options(_ archive: String) throws -> Backup.Options {
        _ = try ArchiveFolder.create(at: archive)
        var options = Backup.Options(archive: archive, layout: try ArchiveLayout())
        options.timeZone = TimeZone(identifier: "UTC")!
        // One pass, as these tests count requests; `BackupRetryTests` tries the second.
        options.retryPause = nil
        return options
    }

    static func backup(_ client: CloudClient) -> Backup {
        Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), logger: quietLogger)
    }

    /// Every `.mp4` under `root`, relative to it.
    static func files(_ root: String) -> [String] {
        mp4Files(in: root)
    }

    @Test func everyClipIsArchivedOnceAndNothingTwice() async throws {
        try await withSandbox(Self.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let expected = endpoint.cloud.configuration.account.devices.map { endpoint.cloud.recordings(mac: $0.mac).count }.reduce(0, +)

            let first = try await Self.backup(client).run(try Self.options(archive))
            #expect(first.failures.isEmpty, "\(first.failures.map(\.reason))")
            #expect(first.archived == expected)
            let files = Self.files(archive)
            #expect(files.count == expected)
            #expect(files.allSatisfy { $0.hasPrefix("Front-Door_00626E00BB01/") || $0.hasPrefix("etc_00626E00BB02/") }, "\(files)")
            #expect(!FileManager.default.fileExists(atPath: archive + "/../etc_00626E00BB02"))
            let clip = try #require(files.first { $0.contains("_continuous") })
            let report = try await FFprobe.probe(archive + "/" + clip)
            #expect(abs(report.duration - 40) < 4)
            #expect(try await FFprobe.decodeErrors(archive + "/" + clip).isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver/tmp").isEmpty)
            // The catalog's length of each clip is the written file's, as ffprobe reads it.
            for entry in try await Catalog(path: archive + "/.ivy-archiver/catalog.sqlite").archived() {
                let measured = try await FFprobe.probe(archive + "/" + (entry.file ?? "")).duration
                #expect(abs((entry.duration ?? 0) - measured) < 0.001, "\(entry.file ?? ""): catalog \(entry.duration ?? 0) s, file \(measured) s")
            }

            // Empty days are skipped: six-hour windows over 30 days would be 120 queries a device.
            let queries = endpoint.cloud.stats.calls["record.query", default: 0]
            #expect(queries > 0 && queries <= 2 * 16, "\(queries) record.query calls")

            // A second run has nothing to fetch.
            endpoint.cloud.resetStats()
            let second = try await Self.backup(client).run(try Self.options(archive))
            #expect(second.archived == 0 && second.skipped <= expected)
            #expect(endpoint.cloud.stats.segmentRequests == 0)

            // A file deleted by hand comes back, and only that one.
            try FileManager.default.removeItem(atPath: archive + "/" + clip)
            endpoint.cloud.resetStats()
            let third = try await Self.backup(client).run(try Self.options(archive))
            #expect(third.archived == 1)
            #expect(endpoint.cloud.stats.segmentRequestsByClip.count == 1)
            #expect(FileManager.default.fileExists(atPath: archive + "/" + clip))
            #expect(try await Catalog(path: archive + "/.ivy-archiver/catalog.sqlite").recentRuns() == [.ok, .ok, .ok])
        }
    }

    @Test func everyClipArrivesThroughTheCloudsFaults() async throws {
        try await withSandbox({ configuration in
            Self.configure(&configuration)
            configuration.seed = 11
            configuration.faults.failureRate = 0.05
            configuration.faults.failureScope = .all
            configuration.faults.truncationRate = 0.05
            configuration.faults.addressChangeOnFirstCall = true
            configuration.tokenLifetimeInCalls = 1  // a backup makes few gateway calls: expire after the first
            configuration.urlLifetimeInRequests = 6
            configuration.faults.latency = .milliseconds(20)
            configuration.clockOffset = .seconds(3 * 3600)
        }, client: { $0.retry.maxAttempts = 8 }) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var options = try Self.options(archive)
            options.jobs = 1
            let summary = try await Self.backup(client).run(options)
            #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
            let expected = endpoint.cloud.configuration.account.devices.map { endpoint.cloud.recordings(mac: $0.mac).count }.reduce(0, +)
            #expect(summary.archived == expected)
            let report = try await Verify.run(archive: archive)
            #expect(report.checked == expected && report.problems.isEmpty, "\(report.problems)")
            let stats = endpoint.cloud.stats
            #expect(stats.movedCalls > 0, "000077 was followed")
            #expect(stats.calls["oauth.refresh_access_token", default: 0] > 0, "the token expired mid-run and was renewed")
            #expect(stats.statuses[503, default: 0] > 0)
            #expect(stats.statuses[403, default: 0] > 0, "signed URLs ran out mid-clip and were renewed")
        }
    }

    @Test func verifyFindsChangedAndMissingFiles() async throws {
        try await withSandbox(Self.configure) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            _ = try await Self.backup(client).run(try Self.options(archive))
            let clean = try await Verify.run(archive: archive)
            #expect(clean.checked == Self.files(archive).count && clean.problems.isEmpty, "\(clean.problems)")

            let files = Self.files(archive)
            // One byte changed in the middle, same size: only the checksum can tell.
            let changed = archive + "/" + files[0]
            var bytes = try Data(contentsOf: URL(fileURLWithPath: changed))
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: changed))
            try FileManager.default.removeItem(atPath: archive + "/" + files[1])
            let report = try await Verify.run(archive: archive)
            #expect(report.problems.map(\.file).sorted() == [files[0], files[1]].sorted())
            #expect(report.problems.contains { $0.reason.contains("SHA-256") })
            #expect(report.problems.contains { $0.reason == "missing" })
        }
    }

    @Test func aSecondRunOnTheSameArchiveIsRefused() async throws {
        try await withSandbox(Self.configure) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            try FileManager.default.createDirectory(atPath: archive + "/.ivy-archiver", withIntermediateDirectories: true)
            // Another holder of the lock: flock locks belong to an open file, so this test's own
            // open is as good as another process (and holds it for as long as the test needs).
            let holder = open(archive + "/.ivy-archiver/lock", O_RDWR | O_CREAT, 0o644)
            #expect(holder >= 0 && flock(holder, LOCK_EX | LOCK_NB) == 0)
            defer { close(holder) }
            await #expect(throws: BackupError.locked) { _ = try await Self.backup(client).run(try Self.options(archive)) }
        }
    }

    @Test func aDryRunPlansAndFetchesNothing() async throws {
        try await withSandbox(Self.configure) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var options = try Self.options(archive)
            options.dryRun = true
            options.devices = ["00:62:6e:00:bb:01"]
            let plan = try await Self.backup(client).run(options)
            #expect(plan.planned.count == endpoint.cloud.recordings(mac: "00626E00BB01").count)
            #expect(plan.planned.allSatisfy { $0.hasPrefix("Front-Door_00626E00BB01/") })
            #expect(endpoint.cloud.stats.segmentRequests == 0)
            #expect(Self.files(archive).isEmpty)
        }
    }
}

import Foundation
import IvyArchive
import IvySandbox
import IvyTestSupport
import Testing

/// A cloud that answers `429` above a number of media requests at once teaches a backup its
/// limit; the archive keeps it, and the next nights start under it: the cloud counts no more
/// refusals. Judged by the sandbox's counters; nothing is timed.
@Suite struct LearnedLimitTests {
    static let cloudLimit = 4

    static func configure(_ configuration: inout SandboxConfiguration) {
        var account = SandboxAccount.demo()
        account.devices = [SandboxDevice(mac: "00626E00DD01", name: "Drive", productName: "VD1", profile: .videoOnly,
                                         layout: RecordingLayout(days: 1, continuousChunksPerDay: 2, eventsPerDay: 2, chunkSeconds: 60))]
        configuration.account = account
        configuration.faults.concurrencyLimit = cloudLimit
        // Each request is held open a while, so that the first eight transfers meet at the cloud.
        configuration.faults.latency = .milliseconds(80)
    }

    @Test func aBackupRefusedWith429RecordsTheLimitAndTheNextRunStartsUnderIt() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let first = try makeArchiveDirectory(), second = try makeArchiveDirectory()
            defer { for archive in [first, second] { try? FileManager.default.removeItem(atPath: archive) } }
            let clips = endpoint.cloud.recordings(mac: "00626E00DD01").count

            // Several first nights, each on an archive of its own: the eight transfers a run
            // starts with reach the cloud in any order, and none may leave a limit well below the
            // cloud's, which the archive would keep for a week. (One below: the cloud counts the
            // playlists too, which the limit does not gate.)
            for _ in 0..<3 {
                let archive = try makeArchiveDirectory()
                defer { try? FileManager.default.removeItem(atPath: archive) }
                endpoint.cloud.resetStats()
                let learning = try await CLIProcess.run(["backup"], environment: endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"]))
                #expect(learning.status == 0, "\(learning.stderr)")
                #expect(learning.stdout.contains("\(clips) archived"), "\(learning.stdout)")
                #expect(endpoint.cloud.stats.tooManyRequests > 0, "the first run starts at 8 transfers, above the cloud's \(Self.cloudLimit)")
                let learned = try #require(try ArchiveFolder.open(archive).learnedConcurrencyLimit(cloud: endpoint.baseURL))
                #expect((Self.cloudLimit - 1...Self.cloudLimit).contains(learned.limit), "\(learned)")
            }

            // The next night (a new archive holding what the first one learned, so that every clip
            // is fetched again): under a limit one below the cloud's, not one request is refused.
            // (One below: the cloud may count an answer it has just sent while the next arrives.)
            try ArchiveFolder.open(second).remember(LearnedConcurrencyLimit(cloud: endpoint.baseURL, limit: Self.cloudLimit - 1, learnedAt: Date()))
            endpoint.cloud.resetStats()
            let nightly = try await CLIProcess.run(["backup"], environment: endpoint.cliEnvironment(["IVY_ARCHIVE": second, "IVY_TIMEZONE": "UTC"]))
            #expect(nightly.status == 0, "\(nightly.stderr)")
            #expect(nightly.stdout.contains("\(clips) archived"), "\(nightly.stdout)")
            #expect(endpoint.cloud.stats.tooManyRequests == 0)
            #expect(endpoint.cloud.stats.peakConcurrentMedia <= Self.cloudLimit)
            #expect(endpoint.cloud.stats.segmentRequests > 0)
            let kept = try #require(try ArchiveFolder.open(second).learnedConcurrencyLimit(cloud: endpoint.baseURL))
            #expect(kept.limit == Self.cloudLimit - 1, "a run without refusals leaves the learned limit as it was")
        }
    }

    @Test func fixedSegmentJobsNeitherUseNorRecordALimit() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            try ArchiveFolder.open(archive).remember(LearnedConcurrencyLimit(cloud: endpoint.baseURL, limit: 1, learnedAt: Date()))
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"])
            let fixed = try await CLIProcess.run(["backup", "--jobs", "2", "--segment-jobs", "6"], environment: env)
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(endpoint.cloud.stats.tooManyRequests > 0, "6 at once, as asked, against the cloud's \(Self.cloudLimit)")
            #expect(try ArchiveFolder.open(archive).learnedConcurrencyLimit(cloud: endpoint.baseURL)?.limit == 1)
        }
    }

    /// What the log says of the downloads counts the refusals under a fixed limit too.
    @Test func refusalsAreCountedUnderAFixedLimitToo() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC", "IVY_LOG_LEVEL": "info"])
            let fixed = try await CLIProcess.run(["backup", "--jobs", "2", "--segment-jobs", "8"], environment: env)
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(endpoint.cloud.stats.tooManyRequests > 0)
            let line = try #require(fixed.stderr.split(separator: "\n").first { $0.contains("downloads") && $0.contains("refusals_429") })
            let counted = try #require(line.firstMatch(of: /refusals_429=(\d+)/).flatMap { Int($0.1) })
            #expect(counted > 0 && counted <= endpoint.cloud.stats.tooManyRequests, "\(line)")
        }
    }

    /// A limit that cannot be kept is one warning line naming the file and why, before the
    /// summary; the backup itself succeeds.
    @Test func aLimitThatCannotBeKeptIsOneWarning() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            // A folder where the file goes: no user, root included, can write it there.
            let path = try ArchiveFolder.open(archive).learnedLimitPath
            try FileManager.default.createDirectory(atPath: path + "/in-the-way", withIntermediateDirectories: true)
            let run = try await CLIProcess.run(["backup"], environment: endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(endpoint.cloud.stats.tooManyRequests > 0)
            let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("ivy-archiver: warning:") }
            #expect(warnings.count == 1, "\(run.stderr)")
            let warning = try #require(warnings.first)
            #expect(warning.contains("429") && warning.contains(path), "\(warning)")
            #expect(!run.stderr.contains("Error Domain") && !run.stderr.contains("UserInfo"), "\(run.stderr)")
        }
    }

    /// The same cloud spelled with a trailing `/` in the configuration is the same cloud.
    @Test func aTrailingSlashNamesTheSameCloud() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try ArchiveFolder.create(at: root + "/archive").folder
        try folder.remember(LearnedConcurrencyLimit(cloud: "https://api.example.test/", limit: 6, learnedAt: Date()))
        #expect(folder.learnedConcurrencyLimit(cloud: "https://api.example.test")?.limit == 6)
        #expect(folder.learnedConcurrencyLimit(cloud: "https://api.example.test//")?.limit == 6)
    }
}

/// What `ArchiveFolder` keeps of a learned limit, and when it is no longer trusted.
@Suite struct LearnedLimitFileTests {
    let cloud = "https://api.example.test"

    func withArchive(_ body: (ArchiveFolder, String) throws -> Void) throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try ArchiveFolder.create(at: root + "/archive").folder
        try body(folder, root + "/archive/.ivy-archiver/learned-limit.json")
    }

    @Test func aLimitIsTrustedForAWeekFromTheCloudItWasLearnedFrom() throws {
        try withArchive { folder, _ in
            let learnedAt = Date(timeIntervalSince1970: 1_800_000_000)
            #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: learnedAt) == nil, "nothing learned yet")
            try folder.remember(LearnedConcurrencyLimit(cloud: cloud, limit: 12, learnedAt: learnedAt))
            #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: learnedAt)?.limit == 12)
            #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: learnedAt + 6 * 86_400)?.limit == 12)
            #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: learnedAt + 7 * 86_400) == nil, "a week old: met again")
            #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: learnedAt - 3600) == nil, "dated in the future: a clock was wrong")
            #expect(folder.learnedConcurrencyLimit(cloud: "https://other.example.test", now: learnedAt) == nil)
        }
    }

    @Test func aDamagedOrNonsensicalFileIsIgnored() throws {
        try withArchive { folder, path in
            let now = Date()
            for text in ["", "{", "not json", #"{"cloud":"\#(cloud)","limit":0,"learnedAt":"2026-12-01T00:00:00Z"}"#,
                         #"{"cloud":"\#(cloud)","learnedAt":"2026-12-01T00:00:00Z"}"#] {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: now) == nil, "\(text)")
            }
            try folder.remember(LearnedConcurrencyLimit(cloud: cloud, limit: 5, learnedAt: now))
            #expect(folder.learnedConcurrencyLimit(cloud: cloud, now: now)?.limit == 5, "written over the damaged file")
        }
    }
}

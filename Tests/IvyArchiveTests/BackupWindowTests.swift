import Foundation
import IvyArchive
import IvyCloud
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// Which stretch of cloud time a run walks, what it warns about, and what it prunes.
@Suite struct BackupWindowTests {
    static let mac = "00626E00CC01"

    static func account(_ configuration: inout SandboxConfiguration, days: Int) {
        var account = SandboxAccount.demo()
        let layout = RecordingLayout(days: days, continuousChunksPerDay: 1, eventsPerDay: 1, chunkSeconds: 20)
        account.devices = [SandboxDevice(mac: mac, name: "Shed", productName: "FI9900P", profile: .h264AAC, layout: layout)]
        configuration.account = account
    }

    @Test func aDefaultRunWalksWhatIsNewAndWhatTheArchiveMisses() async throws {
        try await withSandbox({ Self.account(&$0, days: 4) }) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let recordings = endpoint.cloud.recordings(mac: Self.mac)
            let first = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            #expect(first.archived == recordings.count && first.failures.isEmpty)
            let firstQueries = endpoint.cloud.stats.calls["record.query", default: 0]

            // The next run starts a day (the overlap) before the last one ended.
            endpoint.cloud.resetStats()
            let second = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            #expect(second.archived == 0 && second.failures.isEmpty)
            #expect(second.from >= first.to - 86_400 && second.from <= second.to - 86_400)
            #expect(endpoint.cloud.stats.segmentRequests == 0)
            let secondQueries = endpoint.cloud.stats.calls["record.query", default: 0]
            #expect(secondQueries < firstQueries, "\(secondQueries) vs \(firstQueries) record.query calls")

            // A file of three days ago deleted by hand: the walk reaches back for it.
            let oldest = try #require(BackupTests.files(archive).first)
            try FileManager.default.removeItem(atPath: archive + "/" + oldest)
            endpoint.cloud.resetStats()
            let third = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            #expect(third.archived == 1)
            #expect(third.from <= recordings[0].start)
            #expect(FileManager.default.fileExists(atPath: archive + "/" + oldest))
            #expect(endpoint.cloud.stats.segmentRequestsByClip.count == 1)
        }
    }

    @Test func missingClipsTheCloudDeletesSoonAreWarnedAbout() async throws {
        let now = Int64(Date().timeIntervalSince1970)
        let soon = now - 7 * 86_400 + 5 * 3600  // the 7-day plan deletes it in five hours
        let due = now - 7 * 86_400 - 3600  // past the plan, and still listed
        let gone = now - 7 * 86_400 - 7200  // past the plan, failed before, no longer listed
        let later = now - 3 * 86_400
        let fine = now - 2 * 86_400
        try await withSandbox({ configuration in
            Self.account(&configuration, days: 1)
            configuration.account.devices[0].fixedRecordings = [soon, due, later, fine].map { SandboxRecording(start: $0, end: $0 + 8, type: 0) }
            configuration.faults.brokenClips = [soon, due, later]
        }) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            try FileManager.default.createDirectory(atPath: archive + "/.ivy-archiver", withIntermediateDirectories: true)
            let before = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite")
            try await before.noteSeen(CameraID(Self.mac)!, recordings: [Recording(start: gone, end: gone + 8, type: .continuous)])
            try await before.markFailed(ClipKey(camera: CameraID(Self.mac)!, start: gone), error: "HTTP 404")
            let summary = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            #expect(summary.archived == 1)
            #expect(summary.failures.compactMap(\.start).sorted() == [due, soon, later].sorted())
            let warnings = Dictionary(uniqueKeysWithValues: summary.warnings.map { ($0.start, $0.message) })
            #expect(warnings.count == 3, "\(warnings)")
            #expect(warnings[soon]?.contains("the cloud deletes it in about") == true)
            #expect(warnings[gone]?.contains("deleted by the cloud before it could be archived") == true)
            // Listed in this very run: the cloud still has it, whatever the plan says.
            #expect(warnings[due]?.contains("may delete it any moment") == true, "\(warnings)")
            let kinds = Dictionary(uniqueKeysWithValues: summary.warnings.map { ($0.start, $0.kind) })
            #expect(kinds == [soon: .expiring, gone: .lost, due: .overdue])
            let catalog = try Catalog(path: archive + "/.ivy-archiver/catalog.sqlite")
            let camera = CameraID(Self.mac)!
            #expect(try await catalog.clip(ClipKey(camera: camera, start: gone))?.state == .lost)
            #expect(try await catalog.clip(ClipKey(camera: camera, start: due))?.state == .failed)
            #expect(try await catalog.pending(camera).map(\.start) == [due, soon, later], "lost clips are not pending any more")
        }
    }

    @Test func keepDaysPrunesOldDaysAndTheyAreNeverFetchedAgain() async throws {
        try await withSandbox({ Self.account(&$0, days: 4) }) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var options = try BackupTests.options(archive)
            options.keepDays = 1
            let summary = try await BackupTests.backup(client).run(options)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let cutoff = Int64(calendar.startOfDay(for: Date()).timeIntervalSince1970) - 86_400
            let recordings = endpoint.cloud.recordings(mac: Self.mac)
            let old = recordings.filter { $0.start < cutoff }
            #expect(!old.isEmpty && old.count < recordings.count)
            #expect(summary.archived == recordings.count && summary.pruned == old.count)
            let files = BackupTests.files(archive)
            #expect(files.count == recordings.count - old.count)
            let formatter = DateFormatter()
            formatter.timeZone = calendar.timeZone
            formatter.dateFormat = "yyyy-MM-dd"
            let oldest = formatter.string(from: Date(timeIntervalSince1970: Double(cutoff)))
            #expect(files.allSatisfy { $0.split(separator: "/")[1] >= oldest }, "\(files)")
            let folders = try FileManager.default.contentsOfDirectory(atPath: archive + "/Shed_00626E00CC01")
            #expect(folders.allSatisfy { $0 >= oldest }, "empty day folders are removed: \(folders)")
            #expect(try await Verify.run(archive: archive).problems.isEmpty)

            endpoint.cloud.resetStats()
            let second = try await BackupTests.backup(client).run(options)
            #expect(second.archived == 0 && second.pruned == 0)
            #expect(endpoint.cloud.stats.segmentRequests == 0)
            #expect(BackupTests.files(archive) == files)
        }
    }
}

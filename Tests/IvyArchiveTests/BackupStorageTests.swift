import Foundation
import IvyArchive
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// An archive on a small file system that fills up, or turns read-only: the run stops with a
/// clear reason and leaves nothing half-written. Needs `mount` (root in CI); skipped elsewhere.
@Suite(.enabled(if: Tmpfs.available, "mounting a tmpfs needs root")) struct BackupStorageTests {
    @Test func aFullDiskStopsTheRunAndLeavesOnlyCompleteFiles() async throws {
        try await Tmpfs.mounted(size: "2m") { mountPoint in
            try await withSandbox(BackupTests.configure) { endpoint, client in
                let archive = mountPoint + "/archive"
                let error = await #expect(throws: BackupError.storage) { _ = try await BackupTests.backup(client).run(try BackupTests.options(archive)) }
                #expect(error?.description.contains("disk is full") == true, "\(String(describing: error))")
                let total = endpoint.cloud.configuration.account.devices.map { endpoint.cloud.recordings(mac: $0.mac).count }.reduce(0, +)
                let files = BackupTests.files(archive)
                #expect(files.count < total, "the disk was meant to fill up")
                // The error carries what the run did, for its report.
                #expect(error?.summary?.archived == files.count, "\(String(describing: error?.summary))")
                #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver/tmp").isEmpty)
                // Every file in the archive is catalogued and intact, and nothing else is there.
                let report = try await Verify.run(archive: archive)
                #expect(report.problems.isEmpty, "\(report.problems)")
                #expect(report.checked == files.count)
                let runs = try await Catalog(path: archive + "/.ivy-archiver/catalog.sqlite").recentRuns()
                #expect(runs.first??.description.hasPrefix("stopped: the archive's disk is full") == true, "\(runs)")
            }
        }
    }

    /// No room even for the catalog: a storage failure (exit 1), not a mistake in the command.
    @Test func aDiskTooFullForTheCatalogIsAStorageFailure() async throws {
        try await Tmpfs.mounted(size: "1m") { mountPoint in
            try await withSandbox(BackupTests.configure) { _, client in
                let archive = mountPoint + "/archive"
                // An archive whose first run makes its catalog (made by `init` over a folder
                // of clips, or by an earlier version).
                _ = try ArchiveFolder.create(at: archive)
                try FileManager.default.removeItem(atPath: archive + "/.ivy-archiver/catalog.sqlite")
                try FileManager.default.createDirectory(atPath: archive + "/.ivy-archiver/tmp", withIntermediateDirectories: true)
                let filler = try #require(FileHandle(forWritingAtPath: { _ = FileManager.default.createFile(atPath: mountPoint + "/filler", contents: nil); return mountPoint + "/filler" }()))
                do { while true { try filler.write(contentsOf: Data(count: 64 * 1024)) } } catch {}
                try? filler.close()
                let error = await #expect(throws: BackupError.storage) { _ = try await BackupTests.backup(client).run(try BackupTests.options(archive)) }
                #expect(error?.description.contains("disk is full") == true, "\(String(describing: error))")
            }
        }
    }

    @Test func aReadOnlyArchiveIsRefusedCleanly() async throws {
        try await Tmpfs.mounted(size: "16m") { mountPoint in
            try await withSandbox(BackupTests.configure) { _, client in
                let archive = mountPoint + "/archive"
                var options = try BackupTests.options(archive)
                options.devices = ["00626E00BB01"]
                _ = try await BackupTests.backup(client).run(options)
                let before = BackupTests.files(archive)
                try await Tmpfs.remount(mountPoint, readOnly: true)
                options.devices = []
                let error = await #expect(throws: BackupError.archive) { _ = try await BackupTests.backup(client).run(options) }
                #expect(error?.description.contains("Read-only file system") == true, "\(String(describing: error))")
                #expect(BackupTests.files(archive) == before)
                #expect(try await Verify.run(archive: archive).problems.isEmpty)
            }
        }
    }
}

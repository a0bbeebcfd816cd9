import Foundation
import IvyArchive
import IvyDomain
import IvyHLS
import IvySandbox
import IvyShip
import IvyTestSupport
import Testing

/// `keep_local_days`: only clips whose copy is checked at the destination lose their local file.
@Suite struct LocalPruningTests {
    @Test func onlyOldClipsWithACheckedCopyAreDeleted() async throws {
        let (spec, remote) = try ShipFixture.localRemote()
        let day = ShipFixture.day
        // Three old clips (shipped), one recent one (shipped), then one old clip archived after
        // the shipping (not shipped).
        let folder = try await ShipFixture.archive(clips: 3)
        let recent = try await ShipFixture.archiveClip(in: folder, start: day + 40 * 86_400, bytes: 20_000)
        let destination = try ShipFixture.destination(spec)
        let shipper = Shipper(archive: folder, destination: destination, logger: quietLogger)
        #expect(try await shipper.ship().shipped.count == 4)
        let unshipped = try await ShipFixture.archiveClip(in: folder, start: day + 5 * 3600, bytes: 20_000)
        let old = try await ShipFixture.clips(folder).compactMap(\.file).filter { $0 != recent && $0 != unshipped }
        #expect(old.count == 3)
        // One old clip's copy was deleted at the remote since: it must stay.
        try FileManager.default.removeItem(atPath: remote + "/" + old[1])

        let now = Date(timeIntervalSince1970: Double(day + 41 * 86_400))
        let summary = try await shipper.pruneLocalCopies(keepDays: 30, now: now) { _ in ShipFixture.utc }
        #expect(summary.deleted == [old[0], old[2]])
        #expect(summary.kept.map(\.file) == [old[1]] && summary.kept.first?.kind == .missing)
        #expect(summary.notShipped == 1)

        // Judged by the disk: deleted ones gone (their copies still there), the others kept.
        for file in [old[0], old[2]] {
            #expect(!FileManager.default.fileExists(atPath: folder.root + "/" + file))
            #expect(FileManager.default.fileExists(atPath: remote + "/" + file))
        }
        for file in [old[1], unshipped, recent] {
            #expect(FileManager.default.fileExists(atPath: folder.root + "/" + file), "\(file)")
        }
        let states = Dictionary(uniqueKeysWithValues: try await ShipFixture.clips(folder).map { ($0.file ?? "", $0.state) })
        #expect(states[old[0]] == .pruned && states[old[2]] == .pruned)
        #expect(states[old[1]] == .archived && states[unshipped] == .archived && states[recent] == .archived)

        // The copy found missing is shipped again by the next run; then it may go.
        let catalog = try Catalog(path: folder.catalogPath)
        #expect(Set(try await catalog.unshipped(to: destination.identity).compactMap(\.file)) == [old[1], unshipped])
        #expect(try await shipper.ship().shipped.count == 2)
        let second = try await shipper.pruneLocalCopies(keepDays: 30, now: now) { _ in ShipFixture.utc }
        #expect(Set(second.deleted) == [old[1], unshipped] && second.kept.isEmpty)

        // Pruned clips are no problem of the archive (only the recent clip is checked), and
        // their copies are still checked.
        let local = try await Verify.run(archive: folder.root)
        #expect(local.checked == 1 && !local.problems.contains { $0.reason == "missing" }, "\(local.problems)")
        let report = try await RemoteVerify.run(archive: folder.root, destination: destination, logger: quietLogger)
        #expect(report.checked == 5 && report.problems.isEmpty, "\(report.problems)")
    }

    /// Against the sandbox cloud: clips backed up, shipped and deleted locally are neither
    /// fetched again by the next backup nor reported lost.
    @Test func aClipDeletedLocallyAfterShippingIsNotFetchedAgain() async throws {
        try await withSandbox { endpoint, client in
            let archive = try makeArchiveDirectory()
            var options = Backup.Options(archive: archive, layout: try ArchiveLayout())
            options.timeZone = ShipFixture.utc
            options.retryPause = nil
            let backup = Backup(client: client, transport: sharedTransport, limiter: DownloadLimiter(limit: 8), logger: quietLogger)
            let first = try await backup.run(options)
            #expect(first.failures.isEmpty && first.archived > 0, "\(first.failures.map(\.reason))")

            let (spec, remote) = try ShipFixture.localRemote()
            let folder = try ArchiveFolder.open(archive)
            let shipper = Shipper(archive: folder, destination: try ShipFixture.destination(spec), logger: quietLogger)
            #expect(try await shipper.ship().shipped.count == first.archived)
            // Every clip is older than 0 days two days from now.
            let pruned = try await shipper.pruneLocalCopies(keepDays: 0, now: Date().addingTimeInterval(2 * 86_400)) { _ in ShipFixture.utc }
            #expect(pruned.deleted.count == first.archived)
            #expect(mp4Files(in: archive).isEmpty)
            #expect(mp4Files(in: remote).count == first.archived)
            let local = try await Verify.run(archive: archive)
            #expect(local.checked == 0 && local.problems.isEmpty)

            endpoint.cloud.resetStats()
            let second = try await backup.run(options)
            #expect(second.archived == 0 && second.failures.isEmpty)
            #expect(second.warnings.isEmpty, "\(second.warnings.map(\.message))")
            #expect(endpoint.cloud.stats.segmentRequests == 0)
            #expect(try await Catalog(path: folder.catalogPath).clips(of: []).allSatisfy { $0.state == .pruned })
        }
    }
}

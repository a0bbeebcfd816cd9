import Foundation
import IvyArchive
import IvyDomain
import IvyShip
import IvyTestSupport
import Testing

/// Shipping to rclone remotes, judged by the files the remote folder holds.
@Suite struct ShipperTests {
    @Test func clipsShippedToAWebDAVServerAreCheckedByDownloadAndShippedOnce() async throws {
        let server = try WebDAVServer()
        defer { server.stop() }
        let folder = try await ShipFixture.archive(clips: 3)
        let destination = try ShipFixture.destination(server.remote("cams/smith"))
        #expect(destination.identity == server.remote("cams/smith"))

        let summary = try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship()
        #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
        #expect(summary.shipped.count == 3 && !summary.interrupted && summary.left == 0)
        // WebDAV reports no hash: each copy was downloaded and its SHA-256 compared.
        #expect(summary.shipped.allSatisfy { $0.downloaded && $0.algorithm == .sha256 })
        for clip in try await ShipFixture.clips(folder) {
            let file = try #require(clip.file)
            #expect(ShipFixture.sameBytes(folder, file, remote: server.folder + "/cams/smith"), "\(file)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.temporary).isEmpty, "no download left behind")

        let catalog = try Catalog(path: folder.catalogPath)
        #expect(try await catalog.unshipped(to: destination.identity).isEmpty)
        let clip = try #require(try await ShipFixture.clips(folder).first)
        let shipment = try #require(try await catalog.shipment(of: clip.key, to: destination.identity))
        #expect(shipment.state == .shipped && shipment.sha256 == clip.sha256 && shipment.attempts == 1)
        #expect(shipment.copy == Catalog.RemoteCopy(size: clip.size ?? 0, algorithm: .sha256, hash: clip.sha256 ?? ""))

        // Nothing to ship the second time.
        let again = try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship()
        #expect(again.shipped.isEmpty && again.failures.isEmpty)

        let report = try await RemoteVerify.run(archive: folder.root, destination: destination, logger: quietLogger)
        #expect(report.checked == 3 && report.problems.isEmpty && report.notShipped == 0, "\(report.problems)")
    }

    @Test func clipsShippedToALocalRemoteAreCheckedByItsSHA256() async throws {
        let (spec, remote) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 5)
        let destination = try ShipFixture.destination(spec)
        let shipper = Shipper(archive: folder, destination: destination, jobs: 2, logger: quietLogger)

        let summary = try await shipper.ship()
        #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
        #expect(summary.shipped.count == 5)
        #expect(summary.shipped.allSatisfy { $0.algorithm == .sha256 && !$0.downloaded })
        #expect(summary.bytes == (try await ShipFixture.clips(folder)).reduce(0) { $0 + ($1.size ?? 0) })
        for clip in try await ShipFixture.clips(folder) {
            #expect(ShipFixture.sameBytes(folder, try #require(clip.file), remote: remote))
        }
        // The remote holds the archive's layout and nothing else.
        let remoteFiles = try FileManager.default.subpathsOfDirectory(atPath: remote).filter { $0.hasSuffix(".mp4") }.sorted()
        #expect(remoteFiles == (try await ShipFixture.clips(folder)).compactMap(\.file).sorted())
    }

    @Test func aClipArchivedAgainIsShippedAgain() async throws {
        let (spec, remote) = try ShipFixture.localRemote()
        let folder = try ArchiveFolder.create(at: try makeTemporaryDirectory()).folder
        let file = try await ShipFixture.archiveClip(in: folder, start: ShipFixture.day, bytes: 40_000, partial: true)
        try await ShipFixture.archiveClip(in: folder, start: ShipFixture.day + 3600, bytes: 30_000)
        let destination = try ShipFixture.destination(spec)
        let shipper = Shipper(archive: folder, destination: destination, logger: quietLogger)
        #expect(try await shipper.ship().shipped.count == 2)

        // The complete file replaces the partial one: another SHA-256, so it is not shipped yet.
        #expect(try await ShipFixture.archiveClip(in: folder, start: ShipFixture.day, bytes: 45_000) == file)
        let catalog = try Catalog(path: folder.catalogPath)
        #expect(try await catalog.unshipped(to: destination.identity).compactMap(\.file) == [file])
        #expect(!ShipFixture.sameBytes(folder, file, remote: remote))

        let second = try await shipper.ship()
        #expect(second.shipped.map(\.path) == [file] && second.failures.isEmpty)
        #expect(ShipFixture.sameBytes(folder, file, remote: remote))
        let shipment = try #require(try await catalog.shipment(of: ClipKey(camera: ShipFixture.camera, start: ShipFixture.day), to: destination.identity))
        #expect(shipment.attempts == 2 && shipment.copy?.size == 45_000)
    }

    @Test func secretsOfTheRemoteSpecStayOutOfTheCatalogErrorsAndLogs() async throws {
        let obscured = "k57H95ouioGwsKqeilwbuvnnBzrnDbXHHbFL"  // `rclone obscure s3cr3tVALUE`
        let folder = try await ShipFixture.archive(clips: 1)
        let capture = LogCapture()
        // Port 1: nothing listens; rclone's error repeats the spec it was given.
        let destination = try ShipFixture.destination(":webdav,url='http://127.0.0.1:1',user=me,pass=\(obscured):cams", retries: 1,
                                                      logger: capture.logger())
        #expect(destination.identity == ":webdav,url='http://127.0.0.1:1',user=me,pass=***:cams")
        let summary = try await Shipper(archive: folder, destination: destination, logger: capture.logger()).ship()
        let reason = try #require(summary.failures.first?.reason)
        #expect(reason.contains("connection refused") && reason.contains("pass=***"), "\(reason)")
        #expect(!reason.contains(obscured))
        #expect(!capture.text.contains(obscured) && capture.text.contains("not shipped"))
        let clip = try #require(try await ShipFixture.clips(folder).first)
        let shipment = try #require(try await Catalog(path: folder.catalogPath).shipment(of: clip.key, to: destination.identity))
        #expect(shipment.state == .failed && shipment.attempts == 1 && !(shipment.lastError ?? "").contains(obscured))
        #expect(!shipment.destination.contains(obscured))
    }

    @Test func aMissingRcloneIsSaidBeforeAnythingRuns() throws {
        #expect(throws: RcloneError.notFound) { try ShipFixture.destination(":local:/tmp", executable: "/nonexistent/rclone") }
    }
}

import Foundation
import IvyArchive
import IvyShip
import IvyTestSupport
import Testing

/// `verify --remote`, judged against copies changed behind its back.
@Suite struct RemoteVerifyTests {
    /// Flips one bit of byte `offset` of the file at `path`: same size, other content.
    static func flipByte(_ path: String, at offset: Int = 100) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[offset] ^= 0x01
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func aCopyChangedByOneByteAndOneDeletedAreFoundAtALocalRemote() async throws {
        let (spec, remote) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 3)
        let destination = try ShipFixture.destination(spec)
        #expect(try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship().shipped.count == 3)
        let files = try await ShipFixture.clips(folder).compactMap(\.file)
        try Self.flipByte(remote + "/" + files[0])
        try FileManager.default.removeItem(atPath: remote + "/" + files[2])

        let report = try await RemoteVerify.run(archive: folder.root, destination: destination, logger: quietLogger)
        #expect(report.checked == 3)
        #expect(report.problems.map(\.file) == [files[0], files[2]])
        #expect(report.problems.map(\.kind) == [.hashDiffers, .missing], "\(report.problems)")
        // The archive's own files are untouched, and still match the catalog (they are no
        // media: that is all `verify` may say of them).
        let local = try await Verify.run(archive: folder.root)
        #expect(local.checked == 3 && local.problems.allSatisfy { $0.reason.hasPrefix("does not open as media") }, "\(local.problems)")
    }

    @Test func aCopyChangedByOneByteIsFoundAtAWebDAVServerByDownloadingIt() async throws {
        let server = try WebDAVServer()
        defer { server.stop() }
        let folder = try await ShipFixture.archive(clips: 2)
        let destination = try ShipFixture.destination(server.remote("cams"))
        #expect(try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship().shipped.count == 2)
        let files = try await ShipFixture.clips(folder).compactMap(\.file)
        try Self.flipByte(server.folder + "/cams/" + files[1], at: 40_000)

        let report = try await RemoteVerify.run(archive: folder.root, destination: destination, logger: quietLogger)
        #expect(report.checked == 2)
        #expect(report.problems.map(\.file) == [files[1]] && report.problems.first?.kind == .hashDiffers, "\(report.problems)")
    }

    @Test func anUnreachableDestinationLeavesEachCopyUncheckedNotFailed() async throws {
        let (spec, _) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 1)
        let shipped = try ShipFixture.destination(spec)
        #expect(try await Shipper(archive: folder, destination: shipped, logger: quietLogger).ship().shipped.count == 1)
        // The same identity, reached through a server that is not there.
        var configuration = RcloneDestination.Configuration(remote: ":webdav,url='http://127.0.0.1:1':cams")
        configuration.identity = shipped.identity
        configuration.retries = 1
        configuration.lowLevelRetries = 1
        let unreachable = try RcloneDestination(configuration, logger: quietLogger)
        let report = try await RemoteVerify.run(archive: folder.root, destination: unreachable, logger: quietLogger)
        #expect(report.problems.map(\.kind) == [.unchecked], "\(report.problems)")
    }
}

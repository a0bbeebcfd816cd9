import Foundation
import IvyArchive
import IvyDomain
import IvyShip
import IvyTestSupport
import Testing

/// A remote that reports MD5 only, as S3 does: a local remote whose other hashes are hidden.
struct MD5OnlyDestination: Destination {
    let base: any Destination
    var identity: String { base.identity }
    func upload(_ localPath: String, to path: String) async throws { try await base.upload(localPath, to: path) }
    func stat(_ path: String) async throws -> RemoteObject? {
        try await base.stat(path).map { RemoteObject(size: $0.size, hashes: $0.hashes.filter { $0.key == .md5 }) }
    }
    func download(_ path: String, to localPath: String) async throws { try await base.download(path, to: localPath) }
    func delete(_ path: String) async throws { try await base.delete(path) }
}

/// Copies checked by the weaker hash a remote reports, against the local file's.
@Suite struct WeakHashTests {
    /// `md5sum`'s word on a file: the judge is not our code.
    static func md5sum(_ path: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/md5sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    @Test func aRemoteReportingOnlyMD5IsCheckedAgainstTheLocalFilesMD5() async throws {
        let (spec, remote) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 2)
        let destination = MD5OnlyDestination(base: try ShipFixture.destination(spec))
        let summary = try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship()
        #expect(summary.failures.isEmpty && summary.shipped.count == 2, "\(summary.failures.map(\.reason))")
        #expect(summary.shipped.allSatisfy { $0.algorithm == .md5 && !$0.downloaded })
        let catalog = try Catalog(path: folder.catalogPath)
        for clip in try await ShipFixture.clips(folder) {
            let file = try #require(clip.file)
            let copy = try #require(try await catalog.shipment(of: clip.key, to: destination.identity)?.copy)
            let judged = try await Self.md5sum(remote + "/" + file)
            #expect(copy.algorithm == .md5 && copy.hash == judged)
        }

        // verify --remote compares with the MD5 recorded.
        let files = try await ShipFixture.clips(folder).compactMap(\.file)
        try RemoteVerifyTests.flipByte(remote + "/" + files[0])
        let report = try await RemoteVerify.run(archive: folder.root, destination: destination, logger: quietLogger)
        #expect(report.problems.map(\.file) == [files[0]] && report.problems.first?.kind == .hashDiffers, "\(report.problems)")
    }

    @Test func aLocalFileThatNoLongerMatchesTheCatalogIsNeverShippedAsGood() async throws {
        let (spec, _) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 1)
        let file = try #require(try await ShipFixture.clips(folder).first?.file)
        try RemoteVerifyTests.flipByte(folder.root + "/" + file)
        let local = try ShipFixture.destination(spec)
        for destination in [local, MD5OnlyDestination(base: local)] as [any Destination] {
            let summary = try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship()
            #expect(summary.shipped.isEmpty && summary.failures.count == 1, "\(summary.failures.map(\.reason))")
        }
        #expect(try await Catalog(path: folder.catalogPath).unshipped(to: local.identity).count == 1)
    }

    @Test func deleteRemovesTheCopyAndAMissingOneIsNoError() async throws {
        let (spec, remote) = try ShipFixture.localRemote()
        let folder = try await ShipFixture.archive(clips: 1)
        let destination = try ShipFixture.destination(spec)
        #expect(try await Shipper(archive: folder, destination: destination, logger: quietLogger).ship().shipped.count == 1)
        let file = try #require(try await ShipFixture.clips(folder).first?.file)
        try await destination.delete(file)
        #expect(!FileManager.default.fileExists(atPath: remote + "/" + file))
        #expect(try await destination.stat(file) == nil)
        try await destination.delete(file)
    }
}

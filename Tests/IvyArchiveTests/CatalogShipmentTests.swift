import Foundation
import GRDB
@testable import IvyArchive
import IvyCloud
import IvyDomain
import IvyTestSupport
import Testing

/// The catalog's record of copies at remote destinations (migration v8).
@Suite struct CatalogShipmentTests {
    static let camera = CameraID("AA")!
    static let offsite = "offsite:cams"

    static func key(_ start: Int64) -> ClipKey { ClipKey(camera: camera, start: start) }

    @Test func clipsWithAFileAreUnshippedUntilTheirVeryFileIsShipped() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        try await catalog.noteSeen(Self.camera, recordings: [100, 200, 300, 400].map { Recording(start: $0, end: $0 + 50, type: .motion) })
        let hole = ClipHole(start: 8, duration: 4, sequence: 2, unavailableReason: "HTTP 404")
        try await catalog.markArchived(Self.key(100), file: "a.mp4", size: 10, sha256: "aa", duration: 50, codecs: CodecPair("h264"))
        try await catalog.markArchived(Self.key(200), file: "b.mp4", size: 10, sha256: "bb", duration: 50, codecs: CodecPair("h264"), holes: [hole])
        try await catalog.markFailed(Self.key(300), error: "HTTP 503")
        // 400: only seen.
        #expect(try await catalog.unshipped(to: Self.offsite).map(\.start) == [100, 200])

        let copy = Catalog.RemoteCopy(size: 10, algorithm: .md5, hash: "0123")
        try await catalog.markShipped(Self.key(100), to: Self.offsite, sha256: "aa", copy: copy, at: Date(timeIntervalSince1970: 5))
        try await catalog.markShipFailed(Self.key(200), to: Self.offsite, sha256: "bb", error: "connection refused")
        #expect(try await catalog.unshipped(to: Self.offsite).map(\.start) == [200])
        #expect(try await catalog.unshipped(to: "elsewhere:").map(\.start) == [100, 200], "each destination on its own")
        let failed = try #require(try await catalog.shipment(of: Self.key(200), to: Self.offsite))
        #expect(failed.state == .failed && failed.attempts == 1 && failed.lastError == "connection refused" && failed.copy == nil)

        // The partial clip archived again complete: shipped as the new file, then the first
        // clip archived again (another SHA-256) is unshipped again.
        try await catalog.markArchived(Self.key(200), file: "b.mp4", size: 12, sha256: "b2", duration: 50, codecs: CodecPair("h264"))
        try await catalog.markShipped(Self.key(200), to: Self.offsite, sha256: "b2", copy: copy, at: Date())
        try await catalog.markArchived(Self.key(100), file: "a.mp4", size: 11, sha256: "a2", duration: 50, codecs: CodecPair("h264"))
        #expect(try await catalog.unshipped(to: Self.offsite).map(\.start) == [100])
        let shipped = try await catalog.shipped(to: Self.offsite)
        #expect(shipped.map(\.clip.start) == [100, 200])
        #expect(shipped.first?.shipment.sha256 == "aa" && shipped.first?.clip.sha256 == "a2", "the copy is of the earlier file")
        let reshipped = try #require(shipped.last?.shipment)
        #expect(reshipped.state == .shipped && reshipped.attempts == 2 && reshipped.lastError == nil && reshipped.copy == copy)

        // A pruned clip has no file to ship, yet its copy stays recorded.
        try await catalog.mark(.pruned, Self.key(100))
        #expect(try await catalog.unshipped(to: Self.offsite).isEmpty)
        #expect(try await catalog.shipped(to: Self.offsite).map(\.clip.state) == [.pruned, .archived])

        // Survives a reopen, read-only too.
        let reopened = try Catalog(path: directory + "/catalog.sqlite", readOnly: true)
        #expect(try await reopened.shipment(of: Self.key(100), to: Self.offsite)?.shippedAt == Date(timeIntervalSince1970: 5))
    }

    @Test func aClipNeverListedGetsNoShipment() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        try await catalog.markShipFailed(Self.key(100), to: Self.offsite, sha256: "aa", error: "x")
        #expect(try await catalog.shipment(of: Self.key(100), to: Self.offsite) == nil)
    }
}

import Foundation
import IvyArchive
@testable import IvyArchivePages
import IvyDomain
import IvyTestSupport
import Testing

/// The stamp that lets a run that changed nothing leave the pages alone: written after every
/// page, gone as soon as a redraw starts, different for another catalog, zone or tool.
@Suite struct ArchivePagesStampTests {
    @Test func pagesAreDrawnFromTheirStampUntilAnythingTheyShowChanges() async throws {
        let folder = try await ListedArchive.make()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let pages = ArchivePages(folder: folder, toolVersion: "9.9.9")
        let catalog = try Catalog(path: folder.catalogPath)
        let zones = [ListedArchive.yard: TimeZone(identifier: "America/New_York")!]
        let stamp = pages.stamp(generation: try #require(try await catalog.generation()), zones: zones)
        #expect(!pages.areDrawn(from: stamp), "nothing drawn yet")
        _ = try pages.write(try await ListedArchive.listing(folder), stamp: stamp)
        #expect(pages.areDrawn(from: stamp))
        // Another zone, another tool, another catalog: not what the pages show.
        let generation = try #require(try await catalog.generation())
        #expect(!pages.areDrawn(from: pages.stamp(generation: generation, zones: [ListedArchive.yard: .gmt])))
        let newer = ArchivePages(folder: folder, toolVersion: "10.0.0")
        #expect(!newer.areDrawn(from: newer.stamp(generation: generation, zones: zones)))
        try await catalog.mark(.lost, ClipKey(camera: ListedArchive.yard, start: ListedArchive.nextDay + 3600))
        #expect(!pages.areDrawn(from: pages.stamp(generation: try #require(try await catalog.generation()), zones: zones)))
        // A redraw without a stamp (pages drawn from who knows what) leaves none behind.
        _ = try pages.write(try await ListedArchive.listing(folder))
        #expect(!pages.areDrawn(from: stamp))
        // Pages removed by hand are not drawn, whatever the stamp says.
        _ = try pages.write(try await ListedArchive.listing(folder), stamp: stamp)
        try FileManager.default.removeItem(atPath: pages.indexPath)
        #expect(!pages.areDrawn(from: stamp))
    }
}

import Foundation
import IvyArchive
import IvyCloud
import IvyTestSupport
import Testing

@Suite struct CatalogTests {
    @Test func clipsMoveFromSeenToArchivedAndSurviveAReopen() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/catalog.sqlite"
        let catalog = try Catalog(path: path)
        let clips = [Recording(start: 100, end: 700, type: .continuous), Recording(start: 650, end: 690, type: .motion)]
        try catalog.noteSeen(device: "AA", recordings: clips)
        // Listing again (a longer end for a clip still growing) keeps one row per clip.
        try catalog.noteSeen(device: "AA", recordings: [Recording(start: 100, end: 720, type: .continuous)])
        #expect(try catalog.pending(device: "AA").map(\.start) == [100, 650])
        #expect(try catalog.clip(device: "AA", start: 100)?.end == 720)

        try catalog.markFailed(device: "AA", start: 650, error: "segment 3 is missing")
        try catalog.markArchived(device: "AA", start: 100, file: "x/y.mp4", size: 1234, sha256: "ab", duration: 620, codecs: "h264+aac")

        let reopened = try Catalog(path: path)
        let archived = try reopened.archived()
        #expect(archived.map(\.start) == [100])
        #expect(archived.first?.state == .archived && archived.first?.attempts == 1 && archived.first?.file == "x/y.mp4")
        let failed = try #require(try reopened.clip(device: "AA", start: 650))
        #expect(failed.state == .failed && failed.attempts == 1 && failed.lastError == "segment 3 is missing")
        #expect(try reopened.pending(device: "AA").map(\.start) == [650], "failed clips are tried again")
        #expect(try reopened.pending(device: "BB").isEmpty)
    }
}

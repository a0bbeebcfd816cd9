import Foundation
import GRDB
@testable import IvyArchive
import IvyCloud
import IvyDomain
import IvyTestSupport
import Testing

/// What a year of catalog needs: clips recorded in batches, a generation that says whether
/// anything listed changed, and planning that reads only what the cloud may still hold.
@Suite struct CatalogGenerationTests {
    static let aa = CameraID("AA")!
    static let bb = CameraID("BB")!

    func withCatalog(_ body: (Catalog, String) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(try Catalog(path: directory + "/catalog.sqlite"), directory + "/catalog.sqlite")
    }

    @Test func aBatchIsRecordedAsClipByClipWouldBe() async throws {
        try await withCatalog { catalog, _ in
            let recordings = [100, 200, 300].map { Recording(start: $0, end: $0 + 40, type: .motion) }
            try await catalog.noteSeen(Self.aa, recordings: recordings)
            try await catalog.noteSeen(Self.bb, recordings: recordings)
            let hole = ClipHole(start: 8, duration: 4, sequence: 2, unavailableReason: "segment 2 is missing on the server (404)")
            func archival(_ camera: CameraID, _ start: Int64, holes: [ClipHole] = []) -> Catalog.Archival {
                Catalog.Archival(key: ClipKey(camera: camera, start: start), file: "\(camera.mac)/\(start).mp4", size: start, sha256: "ab",
                                 duration: 40, codecs: CodecPair(video: "h264", audio: "aac"), sourceURL: "https://x/\(start)", holes: holes)
            }
            // A clip the catalog never listed is left out, as one at a time.
            try await catalog.markArchived([archival(Self.aa, 100), archival(Self.aa, 200, holes: [hole]), archival(Self.aa, 999)])
            for item in [archival(Self.bb, 100), archival(Self.bb, 200, holes: [hole])] {
                try await catalog.markArchived(item.key, file: item.file, size: item.size, sha256: item.sha256, duration: item.duration,
                                               codecs: item.codecs, sourceURL: item.sourceURL, holes: item.holes)
            }
            let batched = try await catalog.clips(of: Self.aa, startingIn: 0...1000), single = try await catalog.clips(of: Self.bb, startingIn: 0...1000)
            #expect(batched.count == 3 && batched[999] == nil)
            for start: Int64 in [100, 200, 300] {
                var one = try #require(single[start])
                one.camera = Self.aa
                one.file = one.file?.replacingOccurrences(of: Self.bb.mac, with: Self.aa.mac)
                #expect(batched[start] == one)
            }
            #expect(batched[200]?.state == .partial && batched[100]?.state == .archived && batched[100]?.attempts == 1)
        }
    }

    @Test func theGenerationChangesWithWhatIsListedAndOnlyThen() async throws {
        try await withCatalog { catalog, _ in
            var last = try #require(try await catalog.generation())
            func changed() async throws -> Bool {
                let now = try #require(try await catalog.generation())
                defer { last = now }
                return now != last
            }
            try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 140, type: .motion)])
            #expect(try await changed(), "a clip listed")
            try await catalog.noteCamera(Self.aa, name: "Yard")
            #expect(try await changed(), "a camera named")
            // What a run that finds nothing new does: its own row, the same names, the same clips.
            var run = try await catalog.beginRun(at: Date())
            try await catalog.noteCamera(Self.aa, name: "Yard")
            try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 140, type: .motion)])
            _ = try await catalog.clips(of: Self.aa, startingIn: 0...200)
            run.result = .ok
            run.complete = true
            try await catalog.finishRun(run, at: Date())
            #expect(try await !changed(), "a run that changed nothing listed")
            try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 148, type: .motion)])
            #expect(try await changed(), "a clip listed longer")
            try await catalog.markArchived(ClipKey(camera: Self.aa, start: 100), file: "a.mp4", size: 1, sha256: "ab", duration: 48, codecs: CodecPair("h264"))
            #expect(try await changed(), "a clip archived")
            try await catalog.mark(.pruned, ClipKey(camera: Self.aa, start: 100))
            #expect(try await changed(), "a clip pruned")
            try await catalog.noteCamera(Self.aa, name: "Garden")
            #expect(try await changed(), "a camera renamed")
        }
    }

    @Test func aCatalogOfAnEarlierVersionGetsAGenerationThatItsWritesChange() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/catalog.sqlite"
        do {
            let old = try DatabaseQueue(path: path)
            try Catalog.migrator.migrate(old, upTo: "v6: one spelling of each camera")
        }
        let catalog = try Catalog(path: path)
        let first = try #require(try await catalog.generation())
        try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 140, type: .motion)])
        #expect(try await catalog.generation() != first)
    }

    @Test func planningReadsOnlyTheClipsFromTheHorizonOn() async throws {
        try await withCatalog { catalog, _ in
            try await catalog.noteSeen(Self.aa, recordings: [100, 200, 300, 400].map { Recording(start: $0, end: $0 + 40, type: .motion) })
            for start: Int64 in [100, 300] {
                try await catalog.markArchived(ClipKey(camera: Self.aa, start: start), file: "\(start).mp4", size: 1, sha256: "ab", duration: 40,
                                               codecs: CodecPair("h264"))
            }
            #expect(try await catalog.archived(Self.aa, from: 200).map(\.start) == [300])
            #expect(try await catalog.archived(Self.aa).map(\.start) == [100, 300])
            #expect(try await catalog.pending(Self.aa, from: 300).map(\.start) == [400])
            #expect(try await catalog.pending(Self.aa).map(\.start) == [200, 400])
        }
    }
}

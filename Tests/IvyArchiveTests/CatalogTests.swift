import Foundation
import GRDB
@testable import IvyArchive
import IvyCloud
import IvyDomain
import IvyTestSupport
import Testing

@Suite struct CatalogTests {
    static let aa = CameraID("AA")!
    static let bb = CameraID("BB")!

    @Test func clipsMoveFromSeenToArchivedAndSurviveAReopen() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/catalog.sqlite"
        let catalog = try Catalog(path: path)
        let clips = [Recording(start: 100, end: 700, type: .continuous), Recording(start: 650, end: 690, type: .motion)]
        try await catalog.noteSeen(Self.aa, recordings: clips)
        // Listing again (a longer end for a clip still growing) keeps one row per clip.
        try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 720, type: .continuous)])
        #expect(try await catalog.pending(Self.aa).map(\.start) == [100, 650])
        #expect(try await catalog.clip(ClipKey(camera: Self.aa, start: 100))?.end == 720)

        try await catalog.markFailed(ClipKey(camera: Self.aa, start: 650), error: "segment 3 is missing")
        try await catalog.markArchived(ClipKey(camera: Self.aa, start: 100), file: "x/y.mp4", size: 1234, sha256: "ab", duration: 620,
                                       codecs: CodecPair(video: "h264", audio: "aac"))

        let reopened = try Catalog(path: path)
        let archived = try await reopened.archived()
        #expect(archived.map(\.start) == [100])
        #expect(archived.first?.state == .archived && archived.first?.attempts == 1 && archived.first?.file == "x/y.mp4")
        #expect(archived.first?.codecs == CodecPair(video: "h264", audio: "aac"))
        let failed = try #require(try await reopened.clip(ClipKey(camera: Self.aa, start: 650)))
        #expect(failed.state == .failed && failed.attempts == 1 && failed.lastError == "segment 3 is missing")
        #expect(try await reopened.pending(Self.aa).map(\.start) == [650], "failed clips are tried again")
        #expect(try await reopened.pending(Self.bb).isEmpty)
    }

    @Test func aPartialClipStaysPartialWhenATryFailsAndRunsReadBackTheirOutcome() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        let key = ClipKey(camera: Self.aa, start: 100)
        try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 160, type: .continuous)])
        let hole = ClipHole(start: 8, duration: 4, sequence: 2, unavailableReason: "segment 2 is missing on the server (404)")
        try await catalog.markArchived(key, file: "a.mp4", size: 1, sha256: "ab", duration: 56, codecs: CodecPair("h264"), holes: [hole])
        try await catalog.markFailed(key, error: "HTTP 503")
        let clip = try #require(try await catalog.clip(key))
        #expect(clip.state == .partial && clip.holes == [hole] && clip.lastError == "HTTP 503")

        for outcome in [RunOutcome.ok, .stopped("the archive's disk is full"), .partial] {
            var run = try await catalog.beginRun(at: Date())
            run.result = outcome
            run.windowTo = 500
            run.complete = outcome == .ok
            try await catalog.finishRun(run, at: Date())
        }
        _ = try await catalog.beginRun(at: Date())  // a run that died
        #expect(try await catalog.recentRuns() == [nil, .partial, .stopped("the archive's disk is full"), .ok])
        #expect(try await catalog.lastCompleteWalk() == 500)
    }

    @Test func planningReadsACamerasWindowInOneQuery() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        try await catalog.noteSeen(Self.aa, recordings: [100, 200, 300, 400].map { Recording(start: $0, end: $0 + 50, type: .continuous) })
        try await catalog.noteSeen(Self.bb, recordings: [Recording(start: 200, end: 250, type: .continuous)])
        let window = try await catalog.clips(of: Self.aa, startingIn: 200...300)
        #expect(window.keys.sorted() == [200, 300])
        #expect(window.values.allSatisfy { $0.camera == Self.aa })
    }

    /// A catalog as version 4 of the schema left it (made by the migrations of that day, its
    /// MACs as the cloud spelled them, one camera under two spellings): it opens, is upgraded,
    /// and reads in typed values.
    @Test func aVersion4CatalogIsUpgradedAndReadsTheSame() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/catalog.sqlite"
        do {
            let old = try DatabaseQueue(path: path)
            try Catalog.migrator.migrate(old, upTo: "v4: camera names")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO clip (device, start, "end", type, state, file, size, sha256, duration, codecs, attempts)
                        VALUES ('00:62:6e:00:aa:01', 100, 160, 0, 'archived', 'Cam/a.mp4', 10, 'ab', 60.0, 'h264+aac', 1);
                    INSERT INTO clip (device, start, "end", type, state, attempts, lastError)
                        VALUES ('00:62:6e:00:aa:01', 200, 260, 2, 'failed', 2, 'HTTP 503');
                    INSERT INTO clip (device, start, "end", type, state, attempts)
                        VALUES ('00626E00AA01', 200, 260, 2, 'seen', 0);
                    INSERT INTO clip (device, start, "end", type, state, attempts) VALUES ('00626e00bb02', 300, 360, 0, 'seen', 0);
                    INSERT INTO device (mac, name) VALUES ('00:62:6e:00:aa:01', 'Yard');
                    INSERT INTO run (startedAt, endedAt, archived, result, windowFrom, windowTo, complete)
                        VALUES (1, 2, 1, 'ok', 0, 400, 1);
                    INSERT INTO run (startedAt, endedAt, result) VALUES (3, 4, 'stopped: the archive''s disk is full');
                    """)
            }
        }
        let catalog = try Catalog(path: path)
        let yard = CameraID("00626E00AA01")!, gate = CameraID("00626E00BB02")!
        let archived = try #require(try await catalog.clip(ClipKey(camera: yard, start: 100)))
        #expect(archived.state == .archived && archived.file == "Cam/a.mp4" && archived.codecs == CodecPair(video: "h264", audio: "aac"))
        // The clip kept under two spellings is one row now.
        #expect(try await catalog.pending(yard).map(\.start) == [200])
        #expect(try await catalog.pending(gate).map(\.start) == [300])
        #expect(try await catalog.cameras() == [Catalog.Camera(id: yard, name: "Yard")])
        #expect(try await catalog.recentRuns() == [.stopped("the archive's disk is full"), .ok])
        #expect(try await catalog.lastCompleteWalk() == 400)
        #expect(try await catalog.knows(yard))
        #expect(try await catalog.knows(gate))
    }

    @Test func aRowNoVersionWroteIsNamedAsDamage() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/catalog.sqlite"
        let catalog = try Catalog(path: path)
        try await catalog.noteSeen(Self.aa, recordings: [Recording(start: 100, end: 160, type: .continuous)])
        let spoil = try await Subprocess.run("/usr/bin/sqlite3", [path, "UPDATE clip SET state = 'borrowed'"])
        try #require(spoil.status == 0, "\(spoil.stderr)")
        await #expect(throws: CatalogError.self) { _ = try await catalog.clip(ClipKey(camera: Self.aa, start: 100)) }
    }
}

@Suite struct DomainTests {
    @Test(arguments: ["00:62:6e:8a:1b:01", "00-62-6E-8A-1B-01", "00626e8a1b01", "0062.6e8a.1b01", " 00626E8A1B01 "])
    func everyNotationOfAMACIsOneCamera(text: String) {
        #expect(CameraID(text)?.mac == "00626E8A1B01")
    }

    @Test(arguments: ["", "::", "../x", "Front Door", "00626E8A1B01/..", String(repeating: "A", count: 33)])
    func whatIsNoMACIsNoCamera(text: String) {
        #expect(CameraID(text) == nil)
    }

    @Test func aRecordingTimeIsWrittenOneWayPerUse() {
        let time = RecordingTime(1_764_079_380)  // 2025-11-25 14:03:00 UTC
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(time.iso8601() == "2025-11-25T14:03:00Z")
        #expect(time.iso8601(in: berlin) == "2025-11-25T15:03:00+01:00")
        #expect(RecordingTime(unix: 1_764_079_380.04).iso8601(in: berlin, milliseconds: true) == "2025-11-25T15:03:00.040+01:00")
        #expect(time.wallClock(in: berlin) == "2025-11-25 15:03:00")
    }

    @Test func runOutcomesAndCodecsReadBackWhatTheyWrite() {
        for outcome in [RunOutcome.ok, .partial, .dryRun, .stopped("no space left on device")] {
            #expect(RunOutcome(outcome.description) == outcome)
        }
        for pair in [CodecPair(video: "h264", audio: "aac"), CodecPair(video: "hevc", audio: nil), CodecPair(video: nil, audio: "aac")] {
            #expect(CodecPair(pair.description) == pair)
        }
    }
}

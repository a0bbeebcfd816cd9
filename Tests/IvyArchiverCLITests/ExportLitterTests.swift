import Foundation
import IvyTestSupport
import Testing

/// An export killed mid-way leaves its work folder; the next export removes it, and only
/// folders whose export is gone (their `owner` lock is free).
@Suite struct ExportLitterTests {
    @Test func theNextExportRemovesTheWorkFolderOfADeadOneOnly() async throws {
        try await ExportCommandTests.withAccount { env, folder in
            let dead = folder + "/.door.mp4.\(UUID().uuidString).parts"
            let live = folder + "/.other.mp4.\(UUID().uuidString).parts"
            let old = folder + "/.older.mp4.\(UUID().uuidString).parts"
            for work in [dead, live, old] {
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
                _ = FileManager.default.createFile(atPath: work + "/piece-1.mp4", contents: Data(repeating: 1, count: 1000))
            }
            for work in [dead, live] { _ = FileManager.default.createFile(atPath: work + "/owner", contents: nil) }
            // A folder from before owners were kept, untouched for two hours.
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: old)
            // An export still running holds its owner's lock (here: this process).
            let held = open(live + "/owner", O_RDWR)
            #expect(held >= 0 && flock(held, LOCK_EX | LOCK_NB) == 0)
            defer { close(held) }

            let result = try await CLIProcess.run(["export", "--device", "Door", "--from", "2026-11-25 08:03:04", "--to", "2026-11-25T08:03:20",
                                                   "--output", folder + "/door.mp4"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dead), "a dead export's folder is removed")
            #expect(!FileManager.default.fileExists(atPath: old), "an old folder without owner is removed")
            #expect(FileManager.default.fileExists(atPath: live + "/piece-1.mp4"), "a running export's folder is left alone")
            let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".parts") }
            #expect(left == [(live as NSString).lastPathComponent], "\(left)")
        }
    }
}

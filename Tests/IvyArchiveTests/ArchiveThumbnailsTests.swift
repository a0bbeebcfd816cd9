import Foundation
import IvyArchive
import IvyDomain
import IvySandbox
import IvyTestSupport
import Testing

/// Each archived clip's thumbnail beside the catalog: made by the backup (partial clips too,
/// remade when the clip is replaced), removed with a pruned clip, and made for what misses one
/// by `ensure`. JPEGs are judged by ffprobe and ffmpeg.
@Suite struct ArchiveThumbnailsTests {
    /// Every thumbnail under the archive, relative to its root, sorted.
    static func thumbnailFiles(_ root: String) -> [String] {
        let base = ".ivy-archiver/thumbnails"
        var found: [String] = []
        let walker = FileManager.default.enumerator(atPath: root + "/" + base)
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".jpg") { found.append(base + "/" + path) }
        }
        return found.sorted()
    }

    static func thumbnails(_ archive: String) throws -> ArchiveThumbnails {
        ArchiveThumbnails(folder: try ArchiveFolder.open(archive))
    }

    /// A JPEG that ffprobe reads as `width` x `height` and ffmpeg decodes without an error.
    static func expectJPEG(_ path: String, width: Int = 320, height: Int = 180) async throws {
        let stream = try await FFprobe.probe(path).streams.first
        #expect(stream?.codec == "mjpeg" && stream?.width == width && stream?.height == height, "\(path): \(String(describing: stream))")
        #expect(try await FFprobe.decodeErrors(path).isEmpty, "\(path) decodes")
    }

    static func attribute(_ key: FileAttributeKey, _ path: String) throws -> Any? {
        try FileManager.default.attributesOfItem(atPath: path)[key]
    }

    @Test func thumbnailsMirrorTheClipsPathsBesideTheCatalog() throws {
        let archive = try makeArchiveDirectory()
        defer { try? FileManager.default.removeItem(atPath: archive) }
        let thumbnails = try Self.thumbnails(archive)
        #expect(thumbnails.folder.thumbnails == archive + "/.ivy-archiver/thumbnails")
        #expect(thumbnails.relativePath(forClipFile: "Front-Door_00626E00BB01/2026-11-25/143000_motion.mp4")
            == ".ivy-archiver/thumbnails/Front-Door_00626E00BB01/2026-11-25/143000_motion.jpg")
        #expect(thumbnails.path(forClipFile: "Yard/a.mp4") == archive + "/.ivy-archiver/thumbnails/Yard/a.jpg")
        #expect(thumbnails.relativePath(forClipFile: "Yard/a.mov") == ".ivy-archiver/thumbnails/Yard/a.mov.jpg", "never a.mp4's")
    }

    @Test func aBackupLeavesOneThumbnailPerArchivedClipAndEnsureMakesWhatIsMissing() async throws {
        try await withSandbox(BackupTests.configure) { _, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let summary = try await BackupTests.backup(client).run(try BackupTests.options(archive))
            #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
            let clips = try await Catalog(path: archive + "/.ivy-archiver/catalog.sqlite").archived()
            let files = clips.compactMap(\.file)
            #expect(files.count == clips.count && files.count == summary.archived && files.count >= 4)
            #expect(Set(clips.compactMap(\.codecs?.video)) == ["h264", "hevc"])
            let thumbnails = try Self.thumbnails(archive)
            #expect(Self.thumbnailFiles(archive) == files.map { thumbnails.relativePath(forClipFile: $0) }.sorted())
            for file in files { try await Self.expectJPEG(thumbnails.path(forClipFile: file)) }

            // All there and newer than their clips: nothing to do.
            var report = try await thumbnails.ensure(clips: files, logger: quietLogger)
            #expect(report.made == 0 && report.kept == files.count && report.failed.isEmpty)

            // A thumbnail deleted, one older than its clip, a clip whose file is gone and one
            // without video: the first two are made, the others fail alone, with a warning.
            try FileManager.default.removeItem(atPath: thumbnails.path(forClipFile: files[0]))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)],
                                                  ofItemAtPath: thumbnails.path(forClipFile: files[1]))
            try await FFprobe.run("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", archive + "/sound.mp4"])
            let capture = LogCapture()
            var done: [Int] = []
            report = try await thumbnails.ensure(clips: files + ["gone/clip.mp4", "sound.mp4"], logger: capture.logger()) { count, total in
                done.append(count)
                #expect(total == files.count + 2)
            }
            #expect(report.made == 2 && report.kept == files.count - 2, "\(report)")
            #expect(report.failed.map(\.file).sorted() == ["gone/clip.mp4", "sound.mp4"])
            #expect(report.failed.first { $0.file == "sound.mp4" }?.reason.contains("no video stream") == true, "\(report.failed)")
            #expect(done == Array(1...files.count + 2))
            #expect(capture.text.contains("no thumbnail for a clip"))
            for file in files.prefix(2) { try await Self.expectJPEG(thumbnails.path(forClipFile: file)) }
            #expect(Self.thumbnailFiles(archive).count == files.count)

            // Brought up to date from the catalog: an empty thumbnail (what a full disk leaves)
            // is made again; one whose clip the catalog does not hold is removed, with the
            // folders that leaves empty.
            try Data().write(to: URL(fileURLWithPath: thumbnails.path(forClipFile: files[2])))
            let stray = thumbnails.folder.thumbnails + "/Gone_00626E000000/2099-01-01"
            try FileManager.default.createDirectory(atPath: stray, withIntermediateDirectories: true)
            try Data([0xFF, 0xD8]).write(to: URL(fileURLWithPath: stray + "/000000-000010_motion.jpg"))
            let (updated, removed) = try await thumbnails.bringUpToDate(logger: quietLogger)
            #expect(updated.made == 1 && updated.kept == files.count - 1 && removed == 1, "\(updated)")
            try await Self.expectJPEG(thumbnails.path(forClipFile: files[2]))
            #expect(!FileManager.default.fileExists(atPath: thumbnails.folder.thumbnails + "/Gone_00626E000000"))
        }
    }

    @Test func aCancelledTaskMakesNoThumbnails() async throws {
        let archive = try makeArchiveDirectory()
        defer { try? FileManager.default.removeItem(atPath: archive) }
        let files = ["Yard/2026-11-25/a.mp4", "Yard/2026-11-25/b.mp4", "Yard/2026-11-26/c.mp4"]
        for file in files {
            try FileManager.default.createDirectory(atPath: archive + "/" + (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try await FFprobe.run("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=s=640x360:r=15:d=1",
                                             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", archive + "/" + file])
        }
        let thumbnails = try Self.thumbnails(archive)
        let result = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await thumbnails.ensure(clips: files, logger: quietLogger)
        }.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(Self.thumbnailFiles(archive).isEmpty)

        // Not cancelled, the same call makes them all.
        let report = try await thumbnails.ensure(clips: files, logger: quietLogger)
        #expect(report.made == files.count && report.failed.isEmpty, "\(report)")
        for file in files { try await Self.expectJPEG(thumbnails.path(forClipFile: file)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver/tmp").isEmpty)
    }

    @Test func aPartialClipHasAThumbnailRemadeWhenTheWholeClipReplacesIt() async throws {
        let archive = try makeArchiveDirectory()
        defer { try? FileManager.default.removeItem(atPath: archive) }
        let thumbnails = try Self.thumbnails(archive)
        var first: [String: Int] = [:]
        // The first segment never comes: both clips start with a hole.
        try await withSandbox(BackupMessyStreamTests.configure(nil, missing: [0])) { _, client in
            let summary = try await BackupMessyStreamTests.run(client, archive: archive)
            #expect(summary.failures.isEmpty, "\(summary.failures.map(\.reason))")
            #expect(summary.partial.count == BackupMessyStreamTests.clips.count)
            for partial in summary.partial {
                let path = thumbnails.path(forClipFile: partial.path)
                try await Self.expectJPEG(path)
                first[partial.path] = try Self.attribute(.systemFileNumber, path) as? Int
            }
        }
        try await withSandbox(BackupMessyStreamTests.configure(nil)) { _, client in
            let summary = try await BackupMessyStreamTests.run(client, archive: archive)
            #expect(summary.partial.isEmpty && summary.archived == BackupMessyStreamTests.clips.count)
            for clip in summary.archivedClips {
                let path = thumbnails.path(forClipFile: clip.path)
                try await Self.expectJPEG(path)
                let inode = try Self.attribute(.systemFileNumber, path) as? Int
                #expect(first[clip.path] != nil && inode != first[clip.path], "remade")
                let made = try #require(try Self.attribute(.modificationDate, path) as? Date)
                let clipChanged = try #require(try Self.attribute(.modificationDate, archive + "/" + clip.path) as? Date)
                #expect(made >= clipChanged)
            }
        }
        #expect(Self.thumbnailFiles(archive).count == BackupMessyStreamTests.clips.count)
    }

    @Test func aPrunedClipLosesItsThumbnail() async throws {
        try await withSandbox({ BackupWindowTests.account(&$0, days: 4) }) { endpoint, client in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            var options = try BackupTests.options(archive)
            options.keepDays = 1
            let summary = try await BackupTests.backup(client).run(options)
            #expect(summary.pruned > 0 && summary.failures.isEmpty)
            let files = BackupTests.files(archive)
            let thumbnails = try Self.thumbnails(archive)
            #expect(!files.isEmpty && files.count == endpoint.cloud.recordings(mac: BackupWindowTests.mac).count - summary.pruned)
            #expect(Self.thumbnailFiles(archive) == files.map { thumbnails.relativePath(forClipFile: $0) }.sorted())
            // The pruned days' thumbnail folders go with their clips' folders.
            let days = { (root: String) in try FileManager.default.contentsOfDirectory(atPath: root + "/Shed_00626E00CC01").sorted() }
            #expect(try days(thumbnails.folder.thumbnails) == days(archive))
        }
    }
}

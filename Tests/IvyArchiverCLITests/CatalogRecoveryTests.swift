import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// The catalog after a crash, damage or loss: readers still read it, a damaged one is named
/// with its cure, and `catalog rebuild` (or a backup finding an empty one) makes it anew from
/// the files, so that no clip is fetched again.
@Suite struct CatalogRecoveryTests {
    static let mac = "00626E00EE01"

    static func withArchive(_ body: (SandboxEndpoint, [String: String], String) async throws -> Void) async throws {
        try await withSandbox({ configuration in
            var account = SandboxAccount.demo()
            let layout = RecordingLayout(days: 1, continuousChunksPerDay: 1, eventsPerDay: 2, chunkSeconds: 24)
            account.devices = [SandboxDevice(mac: Self.mac, name: "Shop", productName: "FI9900P", profile: .h264AAC, layout: layout)]
            configuration.account = account
        }) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC"])
            let first = try await CLIProcess.run(["backup"], environment: env)
            try #require(first.status == 0, "\(first.stderr)")
            try await body(endpoint, env, archive)
        }
    }

    static func catalog(_ archive: String) -> String { archive + "/.ivy-archiver/catalog.sqlite" }

    /// `sqlite3` (an independent writer) opens a big transaction on the catalog in `mode`,
    /// spilling pages to disk, and is killed with SIGKILL before it commits (it waits for more
    /// input meanwhile: the pipe stays open).
    static func crashInsideATransaction(_ archive: String, journalMode mode: String) async throws {
        let marker = archive + "/.ivy-archiver/in-transaction"
        let script = """
            PRAGMA journal_mode=\(mode);
            PRAGMA cache_size=1;
            BEGIN IMMEDIATE;
            UPDATE clip SET lastError = hex(randomblob(3000));
            INSERT INTO run (startedAt) SELECT startedAt FROM run;
            UPDATE clip SET codecs = hex(randomblob(3000));
            .shell touch \(marker)

            """
        let input = Pipe()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        child.arguments = [catalog(archive)]
        child.standardInput = input
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        let patience = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: marker), ContinuousClock.now < patience { try await Task.sleep(for: .milliseconds(20)) }
        kill(child.processIdentifier, SIGKILL)
        while child.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        try input.fileHandleForWriting.close()
        try? FileManager.default.removeItem(atPath: marker)
        let leftover = catalog(archive) + (mode == "WAL" ? "-wal" : "-journal")
        let size = (try FileManager.default.attributesOfItem(atPath: leftover)[.size] as? Int) ?? 0
        #expect(size > 0, "the crash left a \(leftover)")
    }

    @Test(arguments: ["DELETE", "WAL"])
    func aCrashInsideACatalogWriteLeavesAnArchiveReadersRead(_ mode: String) async throws {
        try await Self.withArchive { endpoint, env, archive in
            let clips = mp4Files(in: archive)
            try await Self.crashInsideATransaction(archive, journalMode: mode)
            let verify = try await CLIProcess.run(["verify"], environment: env)
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("\(clips.count) clips checked, 0 problems"), "\(verify.stdout)")
            // Exported from the archive alone: the cloud is asked for nothing but the listing.
            let clip = try #require(endpoint.cloud.recordings(mac: Self.mac).first)
            let formatter = ISO8601DateFormatter()
            let output = archive + "/../" + UUID().uuidString + ".mp4"
            defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: output + ".json") }
            let export = try await CLIProcess.run([
                "export", "--device", Self.mac, "--from", formatter.string(from: Date(timeIntervalSince1970: Double(clip.start))),
                "--to", formatter.string(from: Date(timeIntervalSince1970: Double(clip.end))), "--output", output,
            ], environment: env)
            #expect(export.status == 0, "\(export.stderr)")
            let report = try await FFprobe.probe(output)
            #expect(report.duration > 1)
        }
    }

    @Test func aDamagedCatalogIsNamedWithItsCureAndRebuiltWithoutFetchingAgain() async throws {
        try await Self.withArchive { endpoint, env, archive in
            let clips = mp4Files(in: archive)
            try #require(!clips.isEmpty)
            // 8 KB of garbage over the catalog's tables.
            let handle = try #require(FileHandle(forUpdatingAtPath: Self.catalog(archive)))
            try handle.seek(toOffset: 4096)
            handle.write(Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }))
            try handle.close()
            for command in [["verify"], ["backup"]] {
                let result = try await CLIProcess.run(command, environment: env)
                #expect(result.status == 2, "\(command): \(result.stdout)\(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].contains("is damaged") && lines[0].contains("ivy-archiver catalog rebuild"), "\(result.stderr)")
            }
            // One clip from before clips carried their identity: known by its path alone.
            let bare = archive + "/" + clips[0]
            let stripped = try await Subprocess.run("ffmpeg", ["-v", "error", "-i", bare, "-map_metadata", "-1", "-c", "copy", "-y", bare + ".tmp.mp4"])
            try #require(stripped.status == 0, "\(stripped.stderr)")
            try FileManager.default.removeItem(atPath: bare)
            try FileManager.default.moveItem(atPath: bare + ".tmp.mp4", toPath: bare)
            #expect(try await FFprobe.tags(bare)["comment"] == nil)

            let rebuild = try await CLIProcess.run(["catalog", "rebuild"], environment: env)
            #expect(rebuild.status == 0, "\(rebuild.stdout)\(rebuild.stderr)")
            #expect(rebuild.stdout.contains("catalog rebuilt: \(clips.count) clips"), "\(rebuild.stdout)")
            #expect(rebuild.stdout.contains("the old catalog is kept as"), "\(rebuild.stdout)")
            // Again at once (the same second): the first rebuild's catalog is kept too, by another name.
            let again = try await CLIProcess.run(["catalog", "rebuild"], environment: env)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            let kept = try FileManager.default.contentsOfDirectory(atPath: archive + "/.ivy-archiver").filter { $0.hasPrefix("catalog.sqlite.old-") }
            #expect(kept.filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.count == 2, "\(kept)")
            endpoint.cloud.resetStats()
            let backup = try await CLIProcess.run(["backup"], environment: env)
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(endpoint.cloud.stats.segmentRequests == 0, "no clip is fetched again")
            let verify = try await CLIProcess.run(["verify"], environment: env)
            #expect(verify.status == 0 && verify.stdout.contains("\(clips.count) clips checked, 0 problems"), "\(verify.stdout)")
        }
    }

    @Test(arguments: [true, false])
    func anEmptyOrMissingCatalogBesideClipsIsRebuiltNotRefetched(_ empty: Bool) async throws {
        try await Self.withArchive { endpoint, env, archive in
            let clips = mp4Files(in: archive)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: Self.catalog(archive) + suffix) }
            if empty { _ = FileManager.default.createFile(atPath: Self.catalog(archive), contents: Data()) }
            endpoint.cloud.resetStats()
            let backup = try await CLIProcess.run(["backup", "--json"], environment: env)
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(endpoint.cloud.stats.segmentRequests == 0, "no clip is fetched again")
            #expect(mp4Files(in: archive) == clips)
            let verify = try await CLIProcess.run(["verify"], environment: env)
            #expect(verify.stdout.contains("\(clips.count) clips checked, 0 problems"), "\(verify.stdout)")
        }
    }
}

extension CatalogRecoveryTests {
    @Test func verifyingAFolderThatIsNotThereSaysSo() async throws {
        let missing = NSTemporaryDirectory() + "ivy-nowhere-" + UUID().uuidString
        let result = try await CLIProcess.run(["verify", "--archive", missing])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("ivy-archiver: the archive \(missing) does not exist (a typo, or a disk that is not mounted?)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}

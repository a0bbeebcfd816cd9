import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// Archives are made on purpose (`init`): a typo or an unmounted disk is refused before any
/// download, and a dry run writes nothing at all.
@Suite struct ArchiveFolderTests {
    static let porch = "00626E00DD01", gate = "00626E00DD02"

    static func configure(_ configuration: inout SandboxConfiguration) {
        let now = Int64(Date().timeIntervalSince1970)
        var account = SandboxAccount.demo()
        // Porch: a clip three days old (pruned by --keep-days 1) and one of the last hour (kept).
        account.devices = [
            SandboxDevice(mac: porch, name: "Porch", productName: "VD1", profile: .videoOnly,
                          fixedRecordings: [SandboxRecording(start: now - 3 * 86_400, end: now - 3 * 86_400 + 8, type: 0),
                                            SandboxRecording(start: now - 3600, end: now - 3600 + 8, type: 0)]),
            SandboxDevice(mac: gate, name: "Gate", productName: "VD1", profile: .videoOnly,
                          fixedRecordings: [SandboxRecording(start: now - 7200, end: now - 7200 + 8, type: 0)]),
        ]
        configuration.account = account
    }

    /// Every entry under `root` (hidden ones too) with its size and modification time.
    static func snapshot(_ root: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        let walker = try #require(FileManager.default.enumerator(atPath: root))
        while let path = walker.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + path)
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            entries[path] = "\(attributes[.size] ?? 0) \(modified)"
        }
        return entries
    }

    @Test(arguments: ["missing", "empty", "file"])
    func aFolderThatIsNoArchiveIsRefusedBeforeAnyDownload(_ kind: String) async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let scratch = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let archive = scratch + "/mnt/usb/archve"
            if kind == "empty" { try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true) }
            if kind == "file" {
                try FileManager.default.createDirectory(atPath: scratch + "/mnt/usb", withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: archive, contents: Data("x".utf8))
            }
            let before = try Self.snapshot(scratch)
            let env = endpoint.cliEnvironment(["IVY_TIMEZONE": "UTC"])
            let commands: [[String]] = [
                ["backup", "--archive", archive], ["backup", "--dry-run", "--archive", archive], ["verify", "--archive", archive],
                ["export", "--archive", archive, "--device", "Porch", "--from", "2026-11-01 00:00", "--to", "2026-11-01 01:00",
                 "--output", scratch + "/out.mp4"],
            ]
            for command in commands {
                let result = try await CLIProcess.run(command, environment: env)
                #expect(result.status == 2, "\(command): \(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].contains("run 'ivy-archiver init --archive \(archive)'"), "\(command): \(result.stderr)")
                if kind == "missing" { #expect(lines.first?.contains("does not exist") == true, "\(result.stderr)") }
            }
            #expect(try Self.snapshot(scratch) == before, "nothing was created")
            #expect(endpoint.cloud.stats.segmentRequests == 0 && endpoint.cloud.stats.playlistRequests == 0)
        }
    }

    @Test func initMakesAnArchiveThatBackupTakes() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let scratch = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let archive = scratch + "/disk/archive"
            let env = endpoint.cliEnvironment(["IVY_TIMEZONE": "UTC", "IVY_ARCHIVE": archive])
            let made = try await CLIProcess.run(["init"], environment: env)
            #expect(made.status == 0 && made.stdout.contains("created the archive \(archive)"), "\(made.stdout)\(made.stderr)")
            #expect(FileManager.default.fileExists(atPath: archive + "/.ivy-archiver/catalog.sqlite"))
            let again = try await CLIProcess.run(["init"], environment: env)
            #expect(again.status == 0 && again.stdout.contains("is an archive already"), "\(again.stdout)")
            // Under a cap on the whole process's downloads (the clips outweigh its burst).
            let backup = try await CLIProcess.run(["backup", "--max-rate", "128K"], environment: env)
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(backup.stdout.contains("3 archived"), "\(backup.stdout)")
            let verify = try await CLIProcess.run(["verify"], environment: env)
            #expect(verify.status == 0 && verify.stdout.contains("3 clips checked, 0 problems"), "\(verify.stdout)")
        }
    }

    @Test func aDryRunWritesNothingAndListsWhatKeepDaysWouldDelete() async throws {
        try await withSandbox(Self.configure) { endpoint, _ in
            let archive = try makeArchiveDirectory()
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let env = endpoint.cliEnvironment(["IVY_TIMEZONE": "UTC", "IVY_ARCHIVE": archive])
            let first = try await CLIProcess.run(["backup", "--device", "Porch"], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            endpoint.cloud.resetStats()

            for lostCatalog in [false, true] {
                if lostCatalog {
                    // A real run would rebuild it from the files first: the plan counts them as archived.
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: archive + "/.ivy-archiver/catalog.sqlite" + suffix) }
                }
                let before = try Self.snapshot(archive)
                let dry = try await CLIProcess.run(["backup", "--dry-run", "--keep-days", "1"], environment: env)
                #expect(dry.status == 0, "\(dry.stderr)")
                let lines = dry.stdout.split(separator: "\n")
                let fetch = lines.filter { $0.hasPrefix("would fetch ") }, delete = lines.filter { $0.hasPrefix("would delete ") }
                #expect(fetch.count == 1 && fetch[0].contains(Self.gate), "\(dry.stdout)")
                #expect(delete.count == 1 && delete[0].contains(Self.porch), "\(dry.stdout)")
                #expect(dry.stdout.contains("1 clips to fetch, 2 already archived, 1 to delete after a run with no failure"), "\(dry.stdout)")
                #expect(try Self.snapshot(archive) == before, "the dry run wrote nothing (lost catalog: \(lostCatalog))")
            }
            #expect(endpoint.cloud.stats.segmentRequests == 0 && endpoint.cloud.stats.playlistRequests == 0)
        }
    }
}

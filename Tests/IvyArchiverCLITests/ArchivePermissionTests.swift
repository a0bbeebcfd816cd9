import Foundation
import IvySandbox
import IvyTestSupport
import Testing

/// An archive the user running the backup may not write in is a mistake in the set-up, said as
/// such: "Permission denied" and exit 2, not a read-only disk (which needs a remount, not a
/// `chown`). Runs the CLI as `nobody` (`setpriv`), which needs root; skipped elsewhere.
@Suite(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "running as another user needs root"))
struct ArchivePermissionTests {
    static let nobody: uid_t = 65_534

    @Test func anArchiveStateFolderThatCannotBeWrittenIsAPermissionProblem() async throws {
        try await withSandbox(ArchiveFolderTests.configure) { endpoint, _ in
            let home = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: home) }
            let archive = home + "/archive"
            var env = endpoint.cliEnvironment(["IVY_ARCHIVE": archive, "IVY_TIMEZONE": "UTC", "HOME": home])
            // An archive with a run behind it (its catalog, lock and tmp folder made), then
            // handed to a user who may read its state folder but not write in it.
            #expect(try await CLIProcess.run(["init", "--archive", archive], environment: env).status == 0)
            let first = try await CLIProcess.run(["backup", "--device", ArchiveFolderTests.gate], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            try Self.chown(home)
            #expect(chmod(archive + "/.ivy-archiver", 0o555) == 0)
            defer { chmod(archive + "/.ivy-archiver", 0o755) }
            env["PATH"] = "/usr/bin:/bin"
            let refused = try await Subprocess.run(
                "setpriv", ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", "--", CLIProcess.executable, "backup"],
                environment: CLIProcess.cleanEnvironment(env))
            #expect(refused.status == 2, "\(refused.stderr)")
            let lines = refused.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("Permission denied") && refused.stderr.contains(archive + "/.ivy-archiver"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("read-only"), "\(refused.stderr)")
        }
    }

    /// Everything under `path` (and `path` itself) to `nobody`.
    static func chown(_ path: String) throws {
        let manager = FileManager.default
        let owner: [FileAttributeKey: Any] = [.ownerAccountID: NSNumber(value: nobody), .groupOwnerAccountID: NSNumber(value: nobody)]
        try manager.setAttributes(owner, ofItemAtPath: path)
        for item in try manager.subpathsOfDirectory(atPath: path) {
            try manager.setAttributes(owner, ofItemAtPath: path + "/" + item)
        }
    }
}

import Foundation

/// Small throw-away file systems, for tests of a full or read-only disk (root only).
public enum Tmpfs {
    /// Whether this process may mount one: tried once, for real.
    public static let available: Bool = {
        guard getuid() == 0, let point = try? makeTemporaryDirectory() else { return false }
        defer { try? FileManager.default.removeItem(atPath: point) }
        guard run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", point]) == 0 else { return false }
        return run(["umount", point]) == 0
    }()

    private static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A fresh tmpfs of `size` (`2m`) for `body`, unmounted afterwards whatever happens.
    public static func mounted(size: String, _ body: (String) async throws -> Void) async throws {
        let point = try makeTemporaryDirectory()
        try check(await Subprocess.run("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", point]))
        do {
            try await body(point)
        } catch {
            try await unmount(point)
            throw error
        }
        try await unmount(point)
    }

    public static func remount(_ point: String, readOnly: Bool) async throws {
        try check(await Subprocess.run("mount", ["-o", readOnly ? "remount,ro" : "remount,rw", point]))
    }

    public static func unmount(_ point: String) async throws {
        try check(await Subprocess.run("umount", [point]))
        try? FileManager.default.removeItem(atPath: point)
    }

    private static func check(_ result: CLIProcess.Result) throws {
        struct Failure: Error, CustomStringConvertible { let description: String }
        guard result.status == 0 else { throw Failure(description: result.stderr) }
    }
}

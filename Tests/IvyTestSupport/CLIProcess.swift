import Foundation

/// Runs the built `ivy-archiver` as a user would, without blocking a concurrency thread (the
/// in-process sandbox may need every one of them to answer it).
public enum CLIProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// `ivy-archiver`, next to the test bundle in the build folder.
    public static var executable: String {
        let bundle = Bundle.main.bundleURL
        var directory = bundle.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("ivy-archiver").path) {
            directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        return directory.appendingPathComponent("ivy-archiver").path
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await Subprocess.run(executable, arguments, environment: cleanEnvironment(environment))
    }

    /// A clean environment: nothing of the developer's own configuration leaks in; only the
    /// sanitizers' settings pass (`scripts/sanitize.sh` runs the children under ASan too).
    public static func cleanEnvironment(_ environment: [String: String]) -> [String: String] {
        let sanitizers = ProcessInfo.processInfo.environment.filter { ["ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"].contains($0.key) }
        return sanitizers.merging(["PATH": "/usr/bin:/bin", "IVY_LOG_LEVEL": "error"]) { $1 }.merging(environment) { $1 }
    }
}

/// A child process whose end is awaited, not blocked on; its output collected as it comes, so
/// a chatty child never stalls on a full pipe. Spawned by swift-subprocess: Foundation's
/// `Process.run()` in Swift 6.3 crashes now and then on Linux (an over-read of `/proc/self/fd`
/// entries, swift-corelibs-foundation#5472), which a suite spawning hundreds of children hit.
public enum Subprocess {
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> CLIProcess.Result {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        // A name without a slash is looked up on the PATH, as `/usr/bin/env` would.
        let path = executable.contains("/") ? executable : "/usr/bin/env"
        let arguments = executable.contains("/") ? arguments : [executable] + arguments
        return try await spawn(path, arguments, environment: environment.map { ["HOME": home].merging($0) { $1 } })
    }
}

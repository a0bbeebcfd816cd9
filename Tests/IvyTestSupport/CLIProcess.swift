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

/// A child process whose end is awaited, not blocked on; output goes through files so that a
/// chatty child never stalls on a full pipe.
public enum Subprocess {
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> CLIProcess.Result {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let out = directory + "/stdout", err = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = ["HOME": directory].merging(environment) { $1 } }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return CLIProcess.Result(
            status: status,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}

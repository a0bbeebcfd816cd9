import Foundation

/// `ivy-archiver sandbox` started as its own process, as a user (or a script) starts it by hand,
/// stopped when the body returns.
public enum SandboxProcess {
    /// Runs `ivy-archiver sandbox ARGUMENTS` (give `--port 0`), waits for its banner, and hands
    /// `body` the address it listens on and the banner.
    public static func withRunning<T>(_ arguments: [String], _ body: (_ url: String, _ banner: String) async throws -> T) async throws -> T {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bannerPath = directory + "/banner"
        _ = FileManager.default.createFile(atPath: bannerPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIProcess.executable)
        process.arguments = ["sandbox"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: bannerPath))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        // The banner's last line comes last: once it is there, the whole banner is.
        var banner = ""
        for _ in 0..<200 where !banner.contains("Stop it with") {
            banner = (try? String(contentsOfFile: bannerPath, encoding: .utf8)) ?? ""
            if !banner.contains("Stop it with") { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let url = banner.split(whereSeparator: \.isWhitespace).first(where: { $0.hasPrefix("http://127.0.0.1:") }) else {
            throw SandboxProcessError(banner: banner)
        }
        return try await body(String(url), banner)
    }
}

/// The sandbox printed no address (it did not start, or not in time).
public struct SandboxProcessError: Error, CustomStringConvertible {
    public let banner: String
    public var description: String { "the sandbox printed no address: \(banner)" }
}

import Foundation
import Glibc
import IvyConcurrency

/// A program run to its end on a thread of its own (the wait blocks), its output collected in
/// files (a pipe that nobody reads while the wait blocks would stall a chatty child). Cancelling
/// the waiting task stops the child: SIGTERM, then SIGKILL if it is still there after
/// `killAfter`; the call returns only once it is gone.
struct ChildProcess: Sendable {
    struct Result: Sendable {
        /// The exit status; 128 + the signal for a child ended by one.
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    var executable: String
    var arguments: [String]
    /// The whole environment of the child.
    var environment: [String: String]
    var killAfter: Duration = .seconds(5)

    /// - Throws: `CancellationError` when the task was cancelled (the child was stopped);
    ///   `ChildProcess.CannotRun` when it could not be started.
    func run() async throws -> Result {
        try await BlockingThread.run(name: "ivy-child") { interrupt in try runNow(interrupt: interrupt) }
    }

    struct CannotRun: Error, CustomStringConvertible {
        var description: String
    }

    private func runNow(interrupt: CancellationFlag) throws -> Result {
        try interrupt.check()
        let scratch = NSTemporaryDirectory() + "/ivy-child-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outputPath = scratch + "/stdout", errorPath = scratch + "/stderr"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), FileManager.default.createFile(atPath: errorPath, contents: nil),
              let outputFile = FileHandle(forWritingAtPath: outputPath), let errorFile = FileHandle(forWritingAtPath: errorPath) else {
            throw CannotRun(description: "cannot create files in \(scratch)")
        }
        defer {
            try? outputFile.close()
            try? errorFile.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outputFile
        process.standardError = errorFile
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        do {
            try process.run()
        } catch {
            throw CannotRun(description: "cannot run \(executable): \(error.localizedDescription)")
        }
        // The child is ours until the termination handler ran (it is reaped then), so signals
        // sent before that never reach a process that took its number.
        var terminatedAt: ContinuousClock.Instant?
        var killed = false
        while ended.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            guard interrupt.isCancelled else { continue }
            if let terminatedAt {
                if !killed, ContinuousClock.now - terminatedAt > killAfter {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                }
            } else {
                process.terminate()
                terminatedAt = .now
            }
        }
        process.waitUntilExit()
        try interrupt.check()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(status: status,
                      standardOutput: (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data(),
                      standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}

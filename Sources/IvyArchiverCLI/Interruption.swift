import ArgumentParser
import Foundation
import Synchronization
import UnixSignals

/// Ctrl-C, or a service manager's SIGTERM, cancels the running command so that it cleans up
/// what it was writing (a backup's temporary file, an export's fetched clips, FFmpeg's output)
/// and stops; a second signal ends the process at once. Either way the exit code is 130, as
/// shells report an interrupted command.
enum Interruption {
    struct Interrupted: Error, CustomStringConvertible {
        var description: String { "interrupted" }
    }

    static let exitCode: Int32 = 130
    /// Signals this close to the first are the same request delivered twice.
    static let duplicateWindow: Duration = .seconds(1)

    /// Runs `command`, cancelled by the first SIGINT or SIGTERM.
    ///
    /// - Throws: `Interrupted` when a signal came, once the command has stopped; else what the
    ///   command throws.
    static func run(_ command: sending any AsyncParsableCommand) async throws {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let running = Task {
            var command = command
            try await command.run()
        }
        let interrupted = Atomic<Bool>(false)
        // Outlives a cancelled command on purpose: a second signal must still end the process.
        let watch = Task.detached {
            var first: ContinuousClock.Instant?
            for await _ in signals {
                if let first {
                    // One request can arrive twice: GNU timeout signals the command and then its
                    // process group, a terminal's Ctrl-C reaches every process of the group. Only a
                    // signal a second or more later is a second request to stop at once.
                    if ContinuousClock.now - first >= duplicateWindow { exit(exitCode) }
                    continue
                }
                first = .now
                interrupted.store(true, ordering: .relaxed)
                running.cancel()
            }
        }
        defer { watch.cancel() }
        let result = await running.result
        if interrupted.load(ordering: .relaxed) { throw Interrupted() }
        try result.get()
    }
}

/// A command that stops gracefully on SIGINT/SIGTERM by itself (the sandbox server: cancelling
/// a NIO server that holds a connection traps, apple/swift-nio#3481).
protocol HandlesItsOwnSignals: AsyncParsableCommand {}

import ArgumentParser
import Dispatch
import Foundation
import Synchronization

/// Ctrl-C, or a service manager's SIGTERM, cancels the running command so that it cleans up
/// what it was writing (a backup's temporary file, an export's fetched clips) and stops; a
/// second signal ends the process at once. Either way the exit code is 130, as shells report
/// an interrupted command.
enum Interruption {
    struct Interrupted: Error, CustomStringConvertible {
        var description: String { "interrupted" }
    }

    static let exitCode: Int32 = 130

    static func cancellingOnSignals(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        let received = Atomic<Int>(0)
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.add(1, ordering: .relaxed).newValue > 1 { exit(exitCode) }
                continuation.yield(number)
            }
            source.resume()
            return source
        }
        defer {
            sources.forEach { $0.cancel() }
            continuation.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                for await _ in signals { throw Interrupted() }
            }
            // The command ending first stops the signal watch; a signal first cancels the command.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// A command that stops gracefully on SIGINT/SIGTERM by itself (the sandbox server: cancelling
/// a NIO server that holds a connection traps, apple/swift-nio#3481).
protocol HandlesItsOwnSignals: AsyncParsableCommand {}

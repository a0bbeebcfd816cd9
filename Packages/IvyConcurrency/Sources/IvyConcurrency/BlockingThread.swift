import Foundation
import Synchronization

/// Blocking work (FFmpeg, hashing a file, `fsync`) on a thread of its own, never on the Swift
/// concurrency pool: with two pool threads on two cores, one blocked call starves the async
/// work it may be waiting for (a demuxer waiting for the next download). Cancelling the waiting
/// task sets the work's `CancellationFlag`; the work stops at its next look at it.
public enum BlockingThread {
    /// Runs `body` on a new thread and waits for it.
    ///
    /// - Throws: what `body` throws (`CancellationError`, by `CancellationFlag.check()`, when
    ///   the task was cancelled and `body` noticed).
    public static func run<Value: Sendable>(
        name: String, _ body: @escaping @Sendable (CancellationFlag) throws -> Value
    ) async throws -> Value {
        try await start(name: name, body).value
    }

    /// Starts `body` on a new thread now; its result is `Running.value`.
    public static func start<Value: Sendable>(
        name: String, _ body: @escaping @Sendable (CancellationFlag) throws -> Value
    ) -> Running<Value> {
        let running = Running<Value>()
        let flag = running.flag
        let thread = Thread {
            running.fulfill(Result { try body(flag) })
        }
        thread.name = name
        // FFmpeg's demuxers and encoders want more than a secondary thread's default stack.
        thread.stackSize = 4 << 20
        thread.start()
        return running
    }

    /// Work under way on its thread.
    public final class Running<Value: Sendable>: Sendable {
        /// Set when a task waiting for `value` is cancelled.
        public let flag = CancellationFlag()
        private let state = Mutex<(result: Result<Value, any Error>?, waiters: [CheckedContinuation<Value, any Error>])>((nil, []))

        init() {}

        /// The work's result, once it ends. Cancelling the waiting task sets `flag` and still
        /// waits for the work to end (it owns what it was writing, and cleans it up).
        public var value: Value {
            get async throws {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in
                        let ready = state.withLock { state -> Result<Value, any Error>? in
                            if let result = state.result { return result }
                            state.waiters.append(continuation)
                            return nil
                        }
                        if let ready { continuation.resume(with: ready) }
                    }
                } onCancel: {
                    flag.cancel()
                }
            }
        }

        fileprivate func fulfill(_ result: Result<Value, any Error>) {
            let waiters = state.withLock { state in
                state.result = result
                defer { state.waiters = [] }
                return state.waiters
            }
            waiters.forEach { $0.resume(with: result) }
        }
    }
}

import Foundation
import Synchronization

/// FFmpeg calls block (and a custom read callback waits for the next download), so FFmpeg work
/// runs on a thread of its own, never on the Swift concurrency pool: two pool threads on two
/// cores, one blocked demuxer would starve the downloads it waits for.
enum MediaThread {
    static func run<Value: Sendable>(name: String, _ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        let result = Promise<Value>()
        start(name: name, result, body)
        return try await result.value
    }

    static func start<Value: Sendable>(name: String, _ result: Promise<Value>, _ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread {
            result.fulfill(Result { try body() })
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }
}

/// A value that arrives once, from any thread, for one async waiter.
final class Promise<Value: Sendable>: Sendable {
    private let state = Mutex<(result: Result<Value, any Error>?, waiter: CheckedContinuation<Value, any Error>?)>((nil, nil))

    func fulfill(_ result: Result<Value, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Value, any Error>? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}

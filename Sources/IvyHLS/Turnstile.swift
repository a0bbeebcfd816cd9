import Synchronization

/// Lets a clip's segments through one at a time in index order, however their tasks are
/// scheduled: each queues for the memory budget only after every earlier segment of its clip
/// has. Were a later segment to queue first, the budget could fill with segments that wait to
/// be handed over after an earlier one, which itself waits for the budget: a deadlock.
final class Turnstile: Sendable {
    private struct State {
        var next = 0
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Returns once every index before `index` has passed (`pass(_:)`).
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func wait(for index: Int) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Bool? = state.withLock { state in
                    if state.cancelled.remove(index) != nil { return nil }
                    if state.next >= index { return true }
                    state.waiters[index] = continuation
                    return false
                }
                switch now {
                case nil: continuation.resume(throwing: CancellationError())
                case true?: continuation.resume()
                case false?: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let waiter = state.waiters.removeValue(forKey: index) else {
                    if state.next < index { state.cancelled.insert(index) }
                    return nil
                }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// `index` has passed (or will never queue): the next may go. Later calls for the same
    /// index do nothing.
    func pass(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard state.next == index else { return nil }
            state.next += 1
            return state.waiters.removeValue(forKey: state.next)
        }
        waiter?.resume()
    }
}

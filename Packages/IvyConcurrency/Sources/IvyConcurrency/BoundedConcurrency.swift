/// Structured, bounded parallelism: "start up to N operations, then one more per result", written
/// once. IvyArchiver fetches the segments of a clip, the clips of a backup and the clips of an
/// export with it.
public enum BoundedConcurrency {
    /// In which order results reach `handle`.
    public enum Order: Sendable {
        /// As operations finish: `limit` bounds the operations running at once.
        case completion
        /// In the order of the elements: a result waits for those before it, and `limit` bounds
        /// the operations running *or* waiting, which keeps the memory held by early results
        /// flat (a reorder window).
        case elements
    }

    /// What becomes of the operations under way when one fails, or `handle` throws.
    public enum AfterError: Sendable {
        /// Their results are dropped: right when a result is worth nothing once the work failed
        /// (the segments of a clip that cannot be had).
        case dropLaterResults
        /// They are cancelled, and what they still return is handled, as they finish (in
        /// `.elements` order, the results waiting for an earlier one first, by index): right when
        /// an operation leaves something behind that the caller must account for (a clip's file
        /// in the archive). What they throw then, and what `handle` throws then, is dropped: the
        /// first error is the one rethrown.
        case handleUnderWay
    }

    /// Runs `operation` on every element, starting them in the order given, with at most `limit`
    /// elements started and not yet handled at any time (a `limit` below 1 counts as 1). Each
    /// result goes to `handle`, on the caller's isolation, one at a time, with the element's
    /// index in `elements`; the next element starts once a result is handled.
    ///
    /// - Errors: the first error thrown by `operation` or by `handle` cancels every operation
    ///   still running and starts no further element; it is rethrown once they have ended. What
    ///   they still return is dropped, or with `afterError: .handleUnderWay` handled.
    ///   Cancelling the calling task starts no further element; operations under way are
    ///   cancelled with it (as child tasks), what they still return is handled, and then
    ///   `CancellationError` is thrown unless every element was handled.
    public static func forEach<Element: Sendable, Success: Sendable>(
        _ elements: [Element],
        limit: Int,
        order: Order = .completion,
        afterError: AfterError = .dropLaterResults,
        isolation: isolated (any Actor)? = #isolation,
        operation: @escaping @Sendable (Element) async throws -> Success,
        handle: (_ index: Int, _ result: Success) async throws -> Void
    ) async throws {
        let limit = max(1, limit)
        try await withThrowingTaskGroup(of: Completed<Success>.self, isolation: isolation) { group in
            var started = 0
            var handled = 0
            var waiting: [Int: Success] = [:]
            func startMore(_ group: inout ThrowingTaskGroup<Completed<Success>, any Error>) {
                while started < elements.count, started - handled < limit, !Task.isCancelled {
                    let index = started, element = elements[index]
                    group.addTask {
                        do {
                            return Completed(index: index, result: .success(try await operation(element)))
                        } catch {
                            return Completed(index: index, result: .failure(error))
                        }
                    }
                    started += 1
                }
            }
            startMore(&group)
            var failure: (any Error)?
            while let completed = try await group.next() {
                if failure != nil {
                    // Stopped: only what the operations under way finished is still handled.
                    if case .success(let value) = completed.result { try? await handle(completed.index, value) }
                    continue
                }
                do {
                    let value = try completed.result.get()
                    switch order {
                    case .completion:
                        try await handle(completed.index, value)
                        handled += 1
                    case .elements:
                        waiting[completed.index] = value
                        while let next = waiting.removeValue(forKey: handled) {
                            try await handle(handled, next)
                            handled += 1
                        }
                    }
                } catch {
                    group.cancelAll()
                    guard afterError == .handleUnderWay else { throw error }
                    failure = error
                    for index in waiting.keys.sorted() {
                        if let value = waiting.removeValue(forKey: index) { try? await handle(index, value) }
                    }
                    continue
                }
                startMore(&group)
            }
            if let failure { throw failure }
            if handled < elements.count { throw CancellationError() }
        }
    }

    /// What one operation reports. A struct, never a tuple: a tuple holding an existential came
    /// back garbled from a task group in release builds.
    struct Completed<Success: Sendable>: Sendable {
        var index: Int
        var result: Result<Success, any Error>
    }
}

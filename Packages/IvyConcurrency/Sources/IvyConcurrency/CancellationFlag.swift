import Synchronization

/// A task's cancellation, readable from any thread: blocking code (an FFmpeg interrupt callback,
/// a loop hashing a file) looks at it between steps, since it cannot ask `Task.isCancelled`.
public final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    public func cancel() { cancelled.store(true, ordering: .releasing) }

    /// - Throws: `CancellationError` once cancelled.
    public func check() throws {
        if isCancelled { throw CancellationError() }
    }
}

/// `body`'s value, or nil when it fails for any reason but cancellation: `try?` that does not
/// swallow a Ctrl-C (a hash cut short by it is no "checksum mismatch").
///
/// - Throws: `CancellationError` when `body` throws it.
public func valueUnlessCancelled<T>(_ body: () async throws -> T) async throws -> T? {
    do {
        return try await body()
    } catch is CancellationError {
        throw CancellationError()
    } catch {
        return nil
    }
}

extension Task where Failure == any Error {
    /// The task's value, for a caller awaiting shared work (one login for many callers): when
    /// the caller is cancelled, so is the work, instead of running on unstructured while the
    /// caller waits for it (a Ctrl-C during a slow login would wait for the login).
    public var valueCancellingWithCaller: Success {
        get async throws {
            try await withTaskCancellationHandler { try await value } onCancel: { cancel() }
        }
    }
}

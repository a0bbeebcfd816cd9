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

/// When a backup must be over (`--deadline`, `max_run_minutes`): no clip starts after it, the
/// clips under way are stopped (nothing half-written is kept; they stay wanted), and the run
/// reports what it did not get to. Such a run is not complete.
public struct RunDeadline: Sendable {
    let hasPassed: @Sendable () -> Bool

    /// At `instant` of the continuous clock.
    public init(at instant: ContinuousClock.Instant) {
        hasPassed = { ContinuousClock.now >= instant }
    }

    /// When `hasPassed` says: tests drive it by counting, never by the clock.
    public init(_ hasPassed: @escaping @Sendable () -> Bool) {
        self.hasPassed = hasPassed
    }

    /// How often clips under way look at the deadline.
    static let pollInterval: Duration = .milliseconds(250)

    /// Thrown by `bounding` when the deadline stopped the work.
    struct Passed: Error {}

    /// Runs `body`, cancelling it (and waiting for it to clean up) when the deadline passes.
    ///
    /// - Throws: `Passed` when the deadline stopped `body` (what `body` threw then is dropped);
    ///   else what `body` throws.
    func bounding<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Finish<T>.self) { group in
            group.addTask { .done(try await body()) }
            group.addTask {
                while !hasPassed() { try await Task.sleep(for: Self.pollInterval) }
                return .passed
            }
            defer { group.cancelAll() }
            switch try await group.next() {
            case .done(let value): return value
            case .passed, nil: throw Passed()
            }
        }
    }

    /// What finished first: the work or the deadline.
    private enum Finish<T: Sendable>: Sendable {
        case done(T)
        case passed
    }
}

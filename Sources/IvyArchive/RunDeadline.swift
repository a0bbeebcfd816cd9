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
    /// What `body` returns is returned even then: work that got done despite the cancellation
    /// (a clip already in the archive and the catalog) is done, and must be reported as such.
    ///
    /// - Throws: `Passed` when the deadline stopped `body` (what `body` threw then is dropped);
    ///   else what `body` throws.
    func bounding<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Finish<T>.self) { group in
            group.addTask {
                do { return .done(.success(try await body())) } catch { return .done(.failure(error)) }
            }
            group.addTask {
                // Cancelled with the caller (Ctrl-C): the body is too, and its end decides.
                do {
                    while !hasPassed() { try await Task.sleep(for: Self.pollInterval) }
                } catch {
                    return .watchEnded
                }
                return .passed
            }
            var passed = false
            // Always the body's end, whichever came first: a value it returns is never dropped.
            while let finish = try await group.next() {
                switch finish {
                case .done(let result):
                    group.cancelAll()
                    if passed, case .failure = result { throw Passed() }
                    return try result.get()
                case .passed:
                    passed = true
                    group.cancelAll()
                case .watchEnded:
                    break
                }
            }
            throw Passed()
        }
    }

    /// What finished first: the work or the deadline.
    private enum Finish<T: Sendable>: Sendable {
        case done(Result<T, any Error>)
        case passed
        /// The watch was cancelled before the deadline passed.
        case watchEnded
    }
}

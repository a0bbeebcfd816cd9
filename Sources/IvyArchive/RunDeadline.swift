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
}

/// Exponential backoff with full jitter, bounded in attempts and in delay: one policy for every
/// retry the tool makes (cloud calls, segments), so they all back off the same way.
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The pause before try number `attempt + 1` (`attempt` counts from 1), uniformly drawn
    /// from zero to the exponential ceiling so that many clients do not retry in step.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let ceiling = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let nanos = Int64(ceiling.components.seconds) * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanos > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanos))
    }
}

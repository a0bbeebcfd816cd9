/// Exponential backoff with "equal jitter" (half the ceiling fixed, half drawn at random;
/// AWS Architecture Blog, "Exponential Backoff And Jitter"), bounded in attempts and in delay:
/// one policy for every retry the tool makes (cloud calls, segments), so they all back off the
/// same way. The fixed half spreads the tries over time: a cloud overloaded for a few seconds
/// is not asked five times in under one. Tries that still fail are taken up again at the end
/// of a backup, after a longer pause (`Backup.Options.retryPause`).
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    /// The defaults wait about 7.5 to 15 s over five tries.
    public init(maxAttempts: Int = 5, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The pause before try number `attempt + 1` (`attempt` counts from 1): half the
    /// exponential ceiling, plus up to the other half at random, so that many clients do not
    /// retry in step. A server's `Retry-After` wins, up to `maxDelay`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let ceiling = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let nanos = Int64(ceiling.components.seconds) * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        guard nanos > 1 else { return .nanoseconds(max(0, nanos)) }
        return .nanoseconds(nanos / 2 + Int64.random(in: 0...(nanos - nanos / 2)))
    }
}

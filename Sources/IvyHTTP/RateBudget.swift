/// A token bucket for all of a process's downloads together (`--max-rate`): a transfer may
/// take bytes while the bucket is not in debt; one delivery may overdraw it by its own size (at
/// most libcurl's 16 KiB), and the transfers then wait until the debt is paid back. A value,
/// driven by the instants it is given, so that it is tested without a clock.
struct RateBudget: Sendable {
    /// Bytes per second.
    let rate: Double
    /// What may be taken at once after a quiet spell: a quarter second's worth.
    let burst: Double
    private(set) var tokens: Double
    private var last: ContinuousClock.Instant

    init(bytesPerSecond: Int, now: ContinuousClock.Instant) {
        rate = Double(max(1, bytesPerSecond))
        burst = max(16_384, rate / 4)
        tokens = burst
        last = now
    }

    /// Takes `count` bytes, or says how long to wait before offering them again.
    mutating func take(_ count: Int, now: ContinuousClock.Instant) -> Duration? {
        let elapsed = now - last
        last = now
        tokens = min(burst, tokens + rate * elapsed.inSeconds)
        guard tokens > 0 else {
            // Until the debt is paid, and a little more so that the next delivery fits.
            return .milliseconds(Int64(((-tokens + 1) / rate * 1000).rounded(.up)))
        }
        tokens -= Double(count)
        return nil
    }
}

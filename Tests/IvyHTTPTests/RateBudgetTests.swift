@testable import IvyHTTP
import Testing

/// The process-wide download cap, on a simulated clock: what it lets through over a stretch of
/// time is the rate times the time, give or take a burst and one delivery.
@Suite struct RateBudgetTests {
    /// Greedy transfers offering `delivery` bytes as fast as the budget lets them, for `seconds`
    /// (each may deliver once a millisecond: the simulated link is faster than every rate tried).
    static func accepted(rate: Int, delivery: Int, transfers: Int, seconds: Int) -> Int {
        var now = ContinuousClock.now
        let end = now + .seconds(seconds)
        var budget = RateBudget(bytesPerSecond: rate, now: now)
        var total = 0
        while now < end {
            var waits: [Duration] = []
            for _ in 0..<transfers {
                if let wait = budget.take(delivery, now: now) { waits.append(wait) } else { total += delivery }
            }
            // Time moves on by the shortest wait asked for, or a millisecond of delivering.
            now += waits.min().map { max($0, .milliseconds(1)) } ?? .milliseconds(1)
        }
        return total
    }

    @Test(arguments: [(2 << 20, 16_384, 8), (100 * 1024, 16_384, 32), (10 << 20, 4_096, 4)])
    func whatGoesThroughIsTheRateTimesTheTime(_ rate: Int, _ delivery: Int, _ transfers: Int) {
        let seconds = 20
        let total = Self.accepted(rate: rate, delivery: delivery, transfers: transfers, seconds: seconds)
        let budget = RateBudget(bytesPerSecond: rate, now: .now)
        let ideal = Double(rate * seconds)
        #expect(Double(total) <= ideal + budget.burst + Double(delivery * transfers), "\(total) bytes for \(ideal)")
        #expect(Double(total) >= ideal * 0.97, "\(total) bytes for \(ideal)")
    }

    @Test func aQuietSpellSavesAtMostABurst() {
        var now = ContinuousClock.now
        var budget = RateBudget(bytesPerSecond: 1 << 20, now: now)
        now += .seconds(60)
        var taken = 0
        while budget.take(16_384, now: now) == nil { taken += 16_384 }
        #expect(Double(taken) <= budget.burst + 16_384)
    }
}

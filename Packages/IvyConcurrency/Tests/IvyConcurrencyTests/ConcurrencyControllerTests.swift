import IvyConcurrency
import Testing

/// The controller against simulated links of each shape (simulated time: nothing here depends on
/// how fast the machine is). "Best fixed" is the best of the fixed limits a user could try.
struct ConcurrencyControllerTests {
    let fixedChoices = [1, 2, 4, 8, 12, 16, 24, 32]

    func bestFixed(_ link: SimulatedLink, segments: Int = 600) -> (limit: Int, seconds: Double) {
        fixedChoices.map { ($0, link.run(fixed: $0, segments: segments).seconds) }.min { $0.1 < $1.1 }!
    }

    @Test(arguments: [0.0, 0.5])
    func aLatencyBoundLinkIsFilledToTheMaximum(jitter: Double) {
        // 200 ms per request, 10 MB/s per connection, no total cap: the more at once, the better.
        var link = SimulatedLink(latency: 0.2, perConnection: 10_000_000)
        link.jitter = jitter
        let run = link.run(.init(maximum: 32))
        let best = bestFixed(link)
        #expect(best.limit == 32)
        #expect(run.seconds <= best.seconds * 1.3, "\(run.seconds) s against \(best.seconds) s at \(best.limit); limits \(run.limits)")
        #expect(run.finalLimit >= 24, "limits \(run.limits)")
        #expect(run.refusals == 0)
    }

    @Test(arguments: [0.0, 0.5])
    func aBandwidthBoundLinkGetsFewTransfers(jitter: Double) {
        // 5 ms per request, 20 MB/s for all together: a few transfers fill it; more only hold memory.
        var link = SimulatedLink(latency: 0.005, total: 20_000_000)
        link.jitter = jitter
        let run = link.run(.init(maximum: 32))
        let best = bestFixed(link)
        #expect(run.seconds <= best.seconds * 1.3, "\(run.seconds) s against \(best.seconds) s at \(best.limit); limits \(run.limits)")
        #expect(run.peakInFlight <= 8, "limits \(run.limits)")
    }

    @Test func aServerRefusingAboveTwelveIsRefusedAFewTimesThenNoMore() {
        // 429 above 12 requests at once; 40 ms and 4 MB/s per connection make 12 worth having.
        let link = SimulatedLink(latency: 0.04, perConnection: 4_000_000, serverLimit: 12)
        let run = link.run(.init(maximum: 32), segments: 1200)
        let twelve = link.run(fixed: 12, segments: 1200)
        #expect(twelve.refusals == 0)
        #expect(run.refusals <= 6, "limits \(run.limits)")
        #expect((9...12).contains(run.finalLimit), "limits \(run.limits)")
        #expect(run.seconds <= twelve.seconds * 1.3, "\(run.seconds) s against \(twelve.seconds) s at 12; limits \(run.limits)")
        // A fixed limit above the server's is refused over and over.
        #expect(link.run(fixed: 16, segments: 1200).refusals > 50)
    }

    @Test func aLightLoadDoesNotRaiseTheLimit() {
        // Only three transfers are ever wanted at once: rounds never fill the limit.
        let link = SimulatedLink(latency: 0.2, perConnection: 10_000_000)
        let run = link.run(.init(initial: 4, maximum: 32), segments: 300, demand: 3)
        #expect(run.limits == [4])
    }

    @Test func theLimitStaysWithinItsBounds() {
        let link = SimulatedLink(latency: 0.2, perConnection: 10_000_000)
        let run = link.run(.init(initial: 2, minimum: 2, maximum: 6), segments: 300)
        #expect(run.limits.allSatisfy { (2...6).contains($0) })
        #expect(run.finalLimit == 6)
    }

    @Test func timeoutsHalveAndUnavailableAnswersShrinkOncePerLimit() {
        var controller = ConcurrencyController(configuration: .init(initial: 16, maximum: 32))
        let tickets = (0..<16).map { _ in controller.start(at: .zero) }
        controller.finish(tickets[0], .timedOut, at: .seconds(1))
        #expect(controller.limit == 8)
        // A second timeout of a transfer started under the old limit does not halve again.
        controller.finish(tickets[1], .timedOut, at: .seconds(1))
        #expect(controller.limit == 8)
        let fresh = controller.start(at: .seconds(1))
        controller.finish(fresh, .unavailable, at: .seconds(2))
        #expect(controller.limit == 6)
        #expect(controller.phase == .steady)
        controller.finish(tickets[2], .other, at: .seconds(2))
        #expect(controller.limit == 6)
    }

    @Test func eachRefusalLowersTheCeilingBelowWhatWasInFlight() {
        var controller = ConcurrencyController(configuration: .init(initial: 16, maximum: 32))
        let tickets = (0..<16).map { _ in controller.start(at: .zero) }
        for ticket in tickets.prefix(4) { controller.finish(ticket, .refused, at: .milliseconds(40)) }
        #expect(controller.ceiling == 12)
        #expect(controller.limit == 12)
        #expect(controller.refusals == 4)
    }
}

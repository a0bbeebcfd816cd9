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
        // The first 429s come in a burst from eight or sixteen at once, one more may follow.
        #expect(run.refusals <= 8, "limits \(run.limits)")
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

    @Test func timeoutsHalveOncePerLimit() {
        var controller = ConcurrencyController(configuration: .init(initial: 16, maximum: 32))
        let tickets = (0..<16).map { _ in controller.start(at: .zero) }
        controller.finish(tickets[0], .timedOut, at: .seconds(1))
        #expect(controller.limit == 8)
        // A second timeout of a transfer started under the old limit does not halve again.
        controller.finish(tickets[1], .timedOut, at: .seconds(1))
        #expect(controller.limit == 8)
        #expect(controller.phase == .steady)
        controller.finish(tickets[2], .other, at: .seconds(2))
        #expect(controller.limit == 8)
    }

    @Test func unavailableAnswersShrinkTheLimitOnlyWhenTheyAreAQuarterOfARound() {
        var controller = ConcurrencyController(configuration: .init(initial: 16, maximum: 32))
        let tickets = (0..<16).map { _ in controller.start(at: .zero) }
        // Three 503s of sixteen: noise.
        for ticket in tickets.prefix(3) { controller.finish(ticket, .unavailable, at: .seconds(1)) }
        #expect(controller.limit == 16)
        // The fourth makes a quarter: overload.
        controller.finish(tickets[3], .unavailable, at: .seconds(1))
        #expect(controller.limit == 12)
        // Those started under the old limit say nothing more.
        for ticket in tickets[4..<12] { controller.finish(ticket, .unavailable, at: .seconds(1)) }
        #expect(controller.limit == 12)
    }

    @Test(arguments: [0.01, 0.05])
    func aFlakyServerAnsweringSome503sWhateverTheLoadKeepsTheLinkFull(rate: Double) {
        var link = SimulatedLink(latency: 0.2, perConnection: 10_000_000)
        link.unavailableRate = rate
        let run = link.run(.init(maximum: 32), segments: 1200)
        let best = bestFixed(link, segments: 1200)
        #expect(run.seconds <= best.seconds * 1.3, "\(run.seconds) s against \(best.seconds) s at \(best.limit); limits \(run.limits)")
        #expect(run.finalLimit >= 24, "limits \(run.limits)")
    }

    @Test func aServerFailingMostRequestsIsBackedOffFrom() {
        var link = SimulatedLink(latency: 0.2, perConnection: 10_000_000)
        link.unavailableRate = 0.5
        let run = link.run(.init(maximum: 32), segments: 300)
        #expect(run.limits.contains { $0 < 8 }, "limits \(run.limits)")
    }

    @Test(arguments: [false, true])
    func aBurstOfRefusalsSetsTheCeilingToWhatTheServerTook(reversed: Bool) {
        var controller = ConcurrencyController(configuration: .init(initial: 16, maximum: 32))
        let tickets = (0..<16).map { _ in controller.start(at: .zero) }
        // A server taking 12 refuses four of sixteen started together: which four is the order
        // they reached it in, not the order they started in (here the 3rd, 6th, 10th and 16th).
        // Their answers come back before the others' bodies, in either order.
        let refused = [tickets[2], tickets[5], tickets[9], tickets[15]]
        for ticket in reversed ? refused.reversed() : refused { controller.finish(ticket, .refused, at: .milliseconds(40)) }
        // The last one back, counted with the twelve answers under way, says 12; but when it is
        // also the last one started, its start says 16, and the ceiling stays one above.
        #expect(controller.ceiling == (reversed ? 12 : 13))
        #expect(controller.refusals == 4)
        // One above is corrected by the next transfer the server refuses, never more.
        let answered = tickets.enumerated().filter { ![2, 5, 9, 15].contains($0.offset) }.map(\.element)
        let more = (controller.inFlight..<controller.limit).map { _ in controller.start(at: .milliseconds(41)) }
        for ticket in more { controller.finish(ticket, .refused, at: .milliseconds(80)) }
        #expect(controller.ceiling == 12)
        #expect(controller.limit == 12)
        for ticket in answered { controller.finish(ticket, .completed, at: .milliseconds(300)) }
        #expect(controller.ceiling == 12)
    }

    @Test func anAnswerEndedBeforeTheRefusalsLeavesTheCeilingOneAboveUntilTheNextRefusal() {
        var controller = ConcurrencyController(configuration: .init(initial: 16, maximum: 32))
        let tickets = (0..<16).map { _ in controller.start(at: .zero) }
        // In start order this time, and one of the twelve taken is done before the refusals
        // come back: the counts then fall one short of the server's, never below it.
        controller.finish(tickets[0], .completed, at: .milliseconds(30))
        for ticket in tickets.suffix(4) { controller.finish(ticket, .refused, at: .milliseconds(40)) }
        #expect(controller.ceiling == 13)
        // The server is answering 11; the limit lets two more start, and the second is refused.
        let twelfth = controller.start(at: .milliseconds(41)), thirteenth = controller.start(at: .milliseconds(41))
        controller.finish(thirteenth, .refused, at: .milliseconds(80))
        #expect(controller.ceiling == 12)
        #expect(controller.limit == 12)
        controller.finish(twelfth, .completed, at: .milliseconds(300))
        #expect(controller.refusals == 5)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func aServerRefusingAboveTwelveIsLearnedWhateverOrderRequestsReachItIn(seed: UInt64) {
        // Requests take up to 30 ms to reach the server, so those started together overtake one
        // another: the ceiling must still end at the server's limit, not below it (a ceiling
        // too low is what the archive would keep for a week).
        var link = SimulatedLink(latency: 0.04, perConnection: 4_000_000, serverLimit: 12)
        link.arrivalSpread = 0.03
        link.seed = seed
        let run = link.run(.init(initial: 8, maximum: 32), segments: 1200)
        #expect(run.finalCeiling == 12, "limits \(run.limits), \(run.refusals) refusals")
        #expect(run.refusals <= 12, "limits \(run.limits)")
    }
}

/// How many transfers to run at once, found by watching what they achieve: a pure value that the
/// download gate feeds with each transfer's start and end and asks for the limit.
///
/// It works like TCP's congestion control (RFC 5681: slow start, then probing) and Netflix's
/// concurrency-limits (a gradient over measured throughput), on aggregate throughput rather than
/// on packets:
/// - **Startup.** The limit doubles after each round (a round: as many transfers as the limit,
///   started under it and finished) while the round's throughput beats the last by `growth`.
///   When it stops growing the limit falls back to the last one that paid.
/// - **Steady.** Every `probeInterval` rounds it tries a quarter more and, in turn, a quarter
///   less: more is kept only when it pays `growth`, less when it costs under `tolerance` of the
///   best recent throughput (fewer transfers hold less memory).
/// - **Overload.** A `429 Too Many Requests` says the server counts concurrent requests: when
///   the refused one arrived, the server was answering `n` others. Transfers started together
///   reach the server in any order, so the count when it started may be short of them; a
///   refusal comes back before the answers the server took (it carries no body), so the count
///   when it comes back still holds them. Each refusal lowers a ceiling to the larger of the
///   two, less itself: a burst of refusals above a server's limit of `n` leaves the ceiling at
///   `n`, or at `n + 1` until the next refusal, never below `n` (a ceiling too low would cost
///   the whole run, and the nights that start under it), and the limit never rises above it
///   again in this run. A timeout is
///   congestion without a count: the limit halves, once per limit in force. `503`s shrink it to
///   three quarters only when they are a quarter of a round: a server that answers one now and
///   then whatever the load is noise, which the measured throughput already accounts for.
/// - A round in which the transfers never filled the limit (the caller had no more to ask)
///   teaches nothing and changes nothing: the limit does not run away on a light load.
///
/// Time is whatever monotonic `Duration` the caller passes (a clock's offset from an origin), so
/// tests drive it with a simulated link.
public struct ConcurrencyController: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Transfers at once before anything is known.
        public var initial: Int
        public var minimum: Int
        /// The limit never exceeds this (`--max-connections`).
        public var maximum: Int
        /// Share by which a round's throughput must beat the reference to count as growth.
        public var growth: Double
        /// Share of the best recent throughput a smaller limit may lose and still be kept.
        public var tolerance: Double
        /// Steady rounds between probes.
        public var probeInterval: Int
        /// Fewest finished transfers that make a round, however low the limit.
        public var minimumRoundSize: Int

        public init(initial: Int = 4, minimum: Int = 1, maximum: Int = 32, growth: Double = 0.1, tolerance: Double = 0.05,
                    probeInterval: Int = 3, minimumRoundSize: Int = 8) {
            self.minimum = max(1, minimum)
            self.maximum = max(self.minimum, maximum)
            self.initial = min(self.maximum, max(self.minimum, initial))
            self.growth = growth
            self.tolerance = tolerance
            self.probeInterval = max(1, probeInterval)
            self.minimumRoundSize = max(1, minimumRoundSize)
        }
    }

    public enum Phase: Sendable, Equatable {
        case startup
        case steady
    }

    /// How a transfer ended, as far as the link's load is concerned.
    public enum Outcome: Sendable, Equatable {
        /// Answered in full (its bytes were reported by `received(_:at:)` as they came).
        case completed
        /// `429 Too Many Requests`: more at once than the server takes.
        case refused
        /// `503` and other overload answers (5xx, 408).
        case unavailable
        case timedOut
        /// Any other ending (cancelled, a 404, a body that is not media): no word on the load.
        case other
    }

    /// Handed out at a transfer's start, given back at its end.
    public struct Ticket: Sendable, Equatable {
        let generation: Int
        /// Transfers in flight when it started, itself included.
        let concurrency: Int
    }

    public let configuration: Configuration
    /// Transfers to allow at once now.
    public private(set) var limit: Int
    public private(set) var phase = Phase.startup
    /// The highest limit allowed: the maximum, lowered by each `429`.
    public private(set) var ceiling: Int
    public private(set) var inFlight = 0
    /// `429` answers seen, in all.
    public private(set) var refusals = 0

    /// Bumped at every change of the limit: a round measures only transfers started under it.
    private var generation = 0
    private var round = Round()
    /// Startup: the last limit and the throughput it achieved.
    private var previous: (limit: Int, throughput: Double)?
    /// Steady: the limit in force and its throughput (a running mean).
    private var baseline: (limit: Int, throughput: Double)?
    /// Steady: the best throughput of late, decaying, that a smaller limit is held to.
    private var best = 0.0
    private var probe: Probe?
    private var nextProbeUpward = true
    private var steadyRounds = 0
    /// Steady rounds before the next probe: `probeInterval`, doubled (up to 16 times) by each
    /// probe that did not pay, so that a settled limit is rarely disturbed.
    private var probeWait: Int
    /// The generation the last `503` or timeout brought in: only a transfer started under it
    /// or later lowers the limit again (once per limit in force).
    private var lastBackoff = 0

    /// Transfers started under an earlier limit and still in flight: the round starts once they
    /// are done, so that it measures the new limit alone.
    private var draining = 0

    /// Throughput is the body bytes received from the round's start (its first moment with only
    /// transfers of the limit in force) to the completion that ends it: bytes as they arrive,
    /// so that transfers finishing together do not skew it.
    private struct Round {
        var start: Duration?
        var finished = 0
        var bytes = 0
        /// Most transfers in flight during the round: below the limit, demand bound it.
        var peakInFlight = 0
        /// `503`s of transfers started under the limit in force.
        var unavailable = 0
    }

    private struct Probe {
        var upward: Bool
        var from: (limit: Int, throughput: Double)
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.limit = configuration.initial
        self.ceiling = configuration.maximum
        self.probeWait = configuration.probeInterval
    }

    /// A transfer starts at `now`; the caller starts one only while `inFlight < limit`.
    public mutating func start(at now: Duration) -> Ticket {
        inFlight += 1
        if draining == 0 {
            if round.start == nil { round.start = now }
            round.peakInFlight = max(round.peakInFlight, inFlight)
        }
        return Ticket(generation: generation, concurrency: inFlight)
    }

    /// The transfer of `ticket` ended at `now` with `outcome`.
    public mutating func finish(_ ticket: Ticket, _ outcome: Outcome, at now: Duration) {
        inFlight = max(0, inFlight - 1)
        if ticket.generation < generation, draining > 0 {
            draining -= 1
            if draining == 0, inFlight > 0 {
                round.start = now
                round.peakInFlight = inFlight
            }
        }
        switch outcome {
        case .completed:
            guard ticket.generation == generation, draining == 0, let start = round.start else { return }
            round.finished += 1
            if round.finished >= max(limit, configuration.minimumRoundSize) { endRound(at: now, seconds: Self.seconds(now - start)) }
        case .refused:
            refusals += 1
            // The server was answering others when this one arrived: some of those in flight
            // then. The count at its start falls short when later transfers overtook it on the
            // way; the count at its return (before this decrement) falls short when answers
            // ended meanwhile. The larger errs high, which the next refusal corrects; erring
            // low is never corrected, and the archive keeps the ceiling for a week.
            let seen = max(ticket.concurrency, inFlight + 1)
            ceiling = max(configuration.minimum, min(ceiling, seen - 1))
            if limit > ceiling { change(to: ceiling) }
            enterSteady(measured: nil)
        case .unavailable:
            // A 503 now and then is the server's noise, not the load: the throughput a round
            // measures already counts what it cost. A quarter of a round's answers is overload.
            guard ticket.generation == generation else { return }
            round.unavailable += 1
            if round.unavailable * 4 >= max(limit, configuration.minimumRoundSize) {
                backOff(ticket, to: Double(limit) * 0.75)
            }
        case .timedOut:
            backOff(ticket, to: Double(limit) * 0.5)
        case .other:
            break
        }
    }

    private mutating func backOff(_ ticket: Ticket, to target: Double) {
        guard ticket.generation >= lastBackoff else { return }
        change(to: max(configuration.minimum, Int(target.rounded(.down))))
        lastBackoff = generation
        enterSteady(measured: nil)
    }

    private mutating func enterSteady(measured: (limit: Int, throughput: Double)?) {
        phase = .steady
        probe = nil
        baseline = measured
        steadyRounds = 0
        probeWait = configuration.probeInterval
    }

    /// Body bytes of a transfer under way arrived at `now`.
    public mutating func received(_ bytes: Int, at now: Duration) {
        guard draining == 0, round.start != nil else { return }
        round.bytes += bytes
    }

    private mutating func endRound(at now: Duration, seconds: Double) {
        let finished = round
        // The next round goes on from here with the transfers still in flight (this one ends).
        round = Round()
        if inFlight > 0 {
            round.start = now
            round.peakInFlight = inFlight
        }
        // Demand, not the limit, bounded this round: it says nothing of what more would bring.
        guard seconds > 0, finished.peakInFlight >= limit else { return }
        let throughput = Double(finished.bytes) / seconds
        switch phase {
        case .startup: startupRound(throughput)
        case .steady: steadyRound(throughput)
        }
    }

    private mutating func startupRound(_ throughput: Double) {
        if let previous, throughput < previous.throughput * (1 + configuration.growth) {
            // The last doubling did not pay: the limit before it was enough.
            change(to: previous.limit)
            enterSteady(measured: previous)
            best = previous.throughput
            return
        }
        previous = (limit, throughput)
        if limit >= ceiling {
            enterSteady(measured: (limit, throughput))
            best = throughput
        } else {
            change(to: min(ceiling, limit * 2))
        }
    }

    private mutating func steadyRound(_ throughput: Double) {
        best = max(throughput, best * 0.9)
        if let probe {
            self.probe = nil
            let kept = probe.upward
                ? throughput >= probe.from.throughput * (1 + configuration.growth)
                : throughput >= best * (1 - configuration.tolerance)
            if kept {
                baseline = (limit, throughput)
                probeWait = configuration.probeInterval
            } else {
                change(to: probe.from.limit)
                baseline = probe.from
                probeWait = min(probeWait * 2, configuration.probeInterval * 16)
            }
            steadyRounds = 0
            return
        }
        guard let current = baseline, current.limit == limit else {
            baseline = (limit, throughput)
            return
        }
        baseline = (limit, (current.throughput + throughput) / 2)
        steadyRounds += 1
        guard steadyRounds >= probeWait, let from = baseline else { return }
        let step = max(1, limit / 4)
        let up = min(ceiling, limit + step), down = max(configuration.minimum, limit - step)
        let upward = nextProbeUpward ? up != limit : down == limit
        nextProbeUpward.toggle()
        let target = upward ? up : down
        guard target != limit else { return }
        probe = Probe(upward: upward, from: from)
        change(to: target)
    }

    private mutating func change(to newLimit: Int) {
        let clamped = min(ceiling, max(configuration.minimum, newLimit))
        guard clamped != limit else { return }
        limit = clamped
        generation += 1
        round = Round()
        draining = inFlight
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

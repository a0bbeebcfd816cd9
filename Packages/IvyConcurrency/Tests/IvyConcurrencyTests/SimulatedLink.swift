import IvyConcurrency

/// A link and a server, simulated in steps of one millisecond: each transfer waits out the
/// latency, then receives its body at its share of the bandwidth (per connection, and a total
/// shared evenly). A server with a concurrency limit answers `429` at once to a request arriving
/// while that many are being served; the client retries a refused transfer after `retryDelay`.
/// Requests started together may reach the server in another order (`arrivalSpread`), as over
/// connections of their own. Deterministic: jitter comes from a seeded generator.
struct SimulatedLink {
    var latency: Double
    /// Share of the latency drawn at random either side (0.5: 50 % to 150 %).
    var jitter = 0.0
    /// Bytes per second per connection; `nil`: unthrottled.
    var perConnection: Double?
    /// Bytes per second for all connections together; `nil`: unthrottled.
    var total: Double?
    /// Requests served at once before the server answers `429`; `nil`: no limit.
    var serverLimit: Int?
    var retryDelay = 1.0
    /// Seconds a request may take to reach the server, drawn at random from 0 to this, before
    /// the server counts it; the latency runs from there.
    var arrivalSpread = 0.0
    /// Share of requests answered `503` after the latency, whatever the load (a flaky CDN).
    var unavailableRate = 0.0
    var segmentBytes = 1_000_000
    var seed: UInt64 = 7

    struct Run {
        var seconds: Double
        var refusals: Int
        var limits: [Int]
        var finalLimit: Int
        /// The ceiling the server's `429`s left (the fixed limit, for a fixed run).
        var finalCeiling: Int
        /// Transfers in flight, at most.
        var peakInFlight: Int
    }

    /// How a controller does: `segments` transfers, at most `demand` wanted at once.
    func run(_ configuration: ConcurrencyController.Configuration, segments: Int = 600, demand: Int = .max) -> Run {
        var controller = ConcurrencyController(configuration: configuration)
        return simulate(segments: segments, demand: demand, limit: { controller.limit }, ceiling: { controller.ceiling },
                        start: { controller.start(at: $0) }, finish: { controller.finish($0, $1, at: $2) },
                        received: { controller.received($0, at: $1) })
    }

    /// How a fixed number of transfers at once does.
    func run(fixed: Int, segments: Int = 600) -> Run {
        var unused = ConcurrencyController()
        let ticket = unused.start(at: .zero)
        return simulate(segments: segments, demand: .max, limit: { fixed }, ceiling: { fixed }, start: { _ in ticket }, finish: { _, _, _ in }, received: { _, _ in })
    }

    private struct Transfer {
        var ticket: ConcurrencyController.Ticket
        var waiting: Double
        var remaining: Double
        var refused: Bool
        var unavailable = false
        /// Seconds until the server sees it; it is counted (or refused) then.
        var arrival = 0.0
    }

    private func simulate(segments: Int, demand: Int, limit: () -> Int, ceiling: () -> Int,
                          start: (Duration) -> ConcurrencyController.Ticket,
                          finish: (ConcurrencyController.Ticket, ConcurrencyController.Outcome, Duration) -> Void,
                          received: (Int, Duration) -> Void) -> Run {
        var random = SplitMix64(seed: seed)
        let step = 0.001
        var now = 0.0
        var queued = segments
        var retries: [Double] = []
        var done = 0
        var active: [Transfer] = []
        var refusals = 0
        var limits: [Int] = []
        var peak = 0
        while done < segments {
            let instant = Duration.milliseconds(Int64((now * 1000).rounded()))
            retries.sort()
            while let first = retries.first, first <= now {
                retries.removeFirst()
                queued += 1
            }
            // The server counts what reached it and was not refused, until its body is sent.
            func arrive(_ transfer: inout Transfer) {
                let serving = active.filter { $0.arrival <= 0 && !$0.refused }.count
                transfer.refused = serverLimit.map { serving >= $0 } ?? false
                transfer.unavailable = !transfer.refused && unavailableRate > 0 && random.unit() < unavailableRate
                if transfer.refused || transfer.unavailable { transfer.remaining = 0 }
            }
            while queued > 0, active.count < min(limit(), demand) {
                queued -= 1
                let wait = latency * (1 + jitter * (random.unit() * 2 - 1))
                var transfer = Transfer(ticket: start(instant), waiting: wait, remaining: Double(segmentBytes), refused: false,
                                        arrival: arrivalSpread > 0 ? arrivalSpread * random.unit() : 0)
                if transfer.arrival <= 0 { arrive(&transfer) }
                active.append(transfer)
            }
            for index in active.indices where active[index].arrival > 0 {
                var transfer = active[index]
                transfer.arrival -= step
                // Decided while its own entry is still on the way, so that it does not count itself.
                if transfer.arrival <= 0 { arrive(&transfer) }
                active[index] = transfer
            }
            peak = max(peak, active.count)
            if limits.last != limit() { limits.append(limit()) }
            let receiving = active.filter { $0.waiting <= 0 && $0.remaining > 0 }.count
            var rate = perConnection ?? .infinity
            if let total, receiving > 0 { rate = min(rate, total / Double(receiving)) }
            var still: [Transfer] = []
            for var transfer in active {
                if transfer.arrival > 0 {
                    still.append(transfer)
                    continue
                } else if transfer.waiting > 0 {
                    transfer.waiting -= step
                } else if transfer.remaining > 0 {
                    let bytes = min(transfer.remaining, rate * step)
                    transfer.remaining -= bytes
                    received(Int(bytes), instant)
                }
                if transfer.waiting <= 0, transfer.remaining <= 0 {
                    if transfer.refused {
                        refusals += 1
                        retries.append(now + retryDelay)
                        finish(transfer.ticket, .refused, instant)
                    } else if transfer.unavailable {
                        retries.append(now + retryDelay)
                        finish(transfer.ticket, .unavailable, instant)
                    } else {
                        done += 1
                        finish(transfer.ticket, .completed, instant)
                    }
                } else {
                    still.append(transfer)
                }
            }
            active = still
            now += step
        }
        return Run(seconds: now, refusals: refusals, limits: limits, finalLimit: limit(), finalCeiling: ceiling(), peakInFlight: peak)
    }
}

/// A small seeded generator (SplitMix64), so that every run of a test sees the same link.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// In [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

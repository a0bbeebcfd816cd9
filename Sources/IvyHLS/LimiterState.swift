import IvyConcurrency

/// `DownloadLimiter`'s state, behind its mutex: permits, the memory budget, clip admissions and
/// their waiters, each served first come, first served.
struct LimiterState {
    enum Want {
        case permit
        case memory(Int)
        /// A clip, and the bytes its remux will hold (its sample index).
        case admission(Int)
    }

    /// What a waiter is handed: its id, and for a permit the controller's ticket.
    struct Grant: Sendable {
        var id: UInt64
        var ticket: ConcurrencyController.Ticket?
    }

    struct Waiter {
        var id: UInt64
        var want: Want
        var continuation: CheckedContinuation<Grant, any Error>
    }

    /// A waiter to resume once the lock is released.
    struct Granted {
        var continuation: CheckedContinuation<Grant, any Error>
        var grant: Grant
    }

    private var controller: ConcurrencyController?
    private let fixedLimit: Int
    private var inFlight = 0
    private var peakInFlight = 0
    /// `429` answers, under a fixed limit too (the controller counts its own, the same ones).
    private var refusals = 0
    private var permitWaiters: [Waiter] = []
    private var memoryWaiters: [Waiter] = []
    private var admissionWaiters: [Waiter] = []
    let memoryBudget: Int
    var held = 0 {
        didSet { peakHeld = max(peakHeld, held) }
    }
    private var peakHeld = 0
    /// Bytes the clips under way hold besides their segments (their remuxes' sample indexes),
    /// against a budget of their own: were they charged to the segment budget, two clips could
    /// each wait for a segment while the other's index held the room.
    let clipBudget: Int
    var clipHeld = 0 {
        didSet { peakClipHeld = max(peakClipHeld, clipHeld) }
    }
    private var peakClipHeld = 0
    /// Bytes a segment is expected to hold: the largest of late, decaying toward the newest.
    private(set) var segmentEstimate: Int
    /// The clip admitted last, until it asks for a permit or ends.
    var pendingAdmission: UInt64?
    private var lastID: UInt64 = 0

    init(concurrency: DownloadLimiter.Concurrency, memoryBudget: Int, clipBudget: Int, segmentEstimate: Int) {
        switch concurrency {
        case .fixed(let limit):
            fixedLimit = max(1, limit)
        case .adaptive(let configuration):
            controller = ConcurrencyController(configuration: configuration)
            fixedLimit = configuration.maximum
        }
        self.memoryBudget = memoryBudget
        self.clipBudget = clipBudget
        self.segmentEstimate = min(segmentEstimate, memoryBudget)
    }

    var limit: Int { controller?.limit ?? fixedLimit }

    var snapshot: DownloadLimiter.Snapshot {
        DownloadLimiter.Snapshot(limit: limit, peakInFlight: peakInFlight, refusals: refusals, ceiling: controller?.ceiling ?? fixedLimit,
                                 peakHeldBytes: peakHeld, memoryBudget: memoryBudget, heldBytes: held,
                                 peakClipBytes: peakClipHeld, clipBudget: clipBudget, clipBytes: clipHeld,
                                 waitingForPermit: permitWaiters.count, waitingForMemory: memoryWaiters.count,
                                 waitingForAdmission: admissionWaiters.count)
    }

    mutating func nextID() -> UInt64 {
        lastID += 1
        return lastID
    }

    mutating func enqueue(_ waiter: Waiter) {
        switch waiter.want {
        case .permit:
            // The clip admitted last is asking for bytes (or someone is): the next may follow.
            pendingAdmission = nil
            permitWaiters.append(waiter)
        case .memory: memoryWaiters.append(waiter)
        case .admission: admissionWaiters.append(waiter)
        }
    }

    mutating func removeWaiter(_ id: UInt64) -> CheckedContinuation<Grant, any Error>? {
        for keyPath in [\Self.permitWaiters, \.memoryWaiters, \.admissionWaiters] {
            if let index = self[keyPath: keyPath].firstIndex(where: { $0.id == id }) {
                return self[keyPath: keyPath].remove(at: index).continuation
            }
        }
        return nil
    }

    /// Every waiter that can go now, in order: permits, memory, then at most one admission.
    mutating func grants(at now: Duration) -> [Granted] {
        var granted: [Granted] = []
        while inFlight < limit, !permitWaiters.isEmpty {
            let waiter = permitWaiters.removeFirst()
            inFlight += 1
            peakInFlight = max(peakInFlight, inFlight)
            granted.append(Granted(continuation: waiter.continuation, grant: Grant(id: waiter.id, ticket: controller?.start(at: now))))
        }
        while let waiter = memoryWaiters.first, case .memory(let bytes) = waiter.want, held == 0 || held + bytes <= memoryBudget {
            memoryWaiters.removeFirst()
            held += bytes
            granted.append(Granted(continuation: waiter.continuation, grant: Grant(id: waiter.id)))
        }
        // A clip larger than the whole budget goes alone.
        if pendingAdmission == nil, let waiter = admissionWaiters.first, case .admission(let bytes) = waiter.want, hasRoomForAClip,
            clipHeld == 0 || clipHeld + bytes <= clipBudget {
            admissionWaiters.removeFirst()
            clipHeld += bytes
            pendingAdmission = waiter.id
            granted.append(Granted(continuation: waiter.continuation, grant: Grant(id: waiter.id)))
        }
        return granted
    }

    /// Nobody waits for a permit or for memory, a permit is free, and a segment would fit.
    private var hasRoomForAClip: Bool {
        permitWaiters.isEmpty && memoryWaiters.isEmpty && inFlight < limit && (held == 0 || held + segmentEstimate <= memoryBudget)
    }

    mutating func finish(_ ticket: ConcurrencyController.Ticket?, _ outcome: ConcurrencyController.Outcome, at now: Duration) {
        inFlight -= 1
        if outcome == .refused { refusals += 1 }
        if let ticket { controller?.finish(ticket, outcome, at: now) }
    }

    mutating func received(_ bytes: Int, at now: Duration) {
        controller?.received(bytes, at: now)
    }

    mutating func settle(reserved: Int, actual: Int) {
        held += actual - reserved
        // Up at once, down slowly: an estimate too small lets too many segments start at once.
        segmentEstimate = min(memoryBudget, max(actual, (segmentEstimate * 3 + actual) / 4))
    }
}

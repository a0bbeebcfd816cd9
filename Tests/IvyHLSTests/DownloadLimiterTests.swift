import IvyConcurrency
import IvyHLS
import Synchronization
import Testing

/// The gate's bookkeeping, by counts and order of events (no test here measures time; the time
/// limit only guards against a hang, generously: in the whole suite on a loaded machine every
/// `Task.yield` here waits behind the other tests' work).
@Suite(.timeLimit(.minutes(5)))
struct DownloadLimiterTests {
    /// Events in the order they happened.
    final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// Operations running at once, and the most there were.
    final class Counts: Sendable {
        private let state = Mutex((running: 0, peak: 0))
        func start() { state.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) } }
        func end() { state.withLock { $0.running -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
    }

    /// Holds a continuation until the test lets it go.
    final class Hold: Sendable {
        private let continuation = Mutex<CheckedContinuation<Void, Never>?>(nil)
        func wait() async { await withCheckedContinuation { c in continuation.withLock { $0 = c } } }
        var isWaiting: Bool { continuation.withLock { $0 != nil } }
        func release() { continuation.withLock { $0?.resume(); $0 = nil } }
    }

    /// Yields until `condition` holds (bounded by the suite's time limit).
    func until(_ condition: () -> Bool) async {
        while !condition(), !Task.isCancelled { await Task.yield() }
    }

    @Test func theMemoryBudgetIsNeverExceededByManyReservationsAtOnce() async throws {
        let limiter = DownloadLimiter(.fixed(64), memoryBudget: 5_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let reservation = try await limiter.reserve(1_000 + index % 3 * 500)
                    for _ in 0..<(index % 4) { await Task.yield() }
                    reservation.release()
                }
            }
            try await group.waitForAll()
        }
        let snapshot = limiter.snapshot
        #expect(snapshot.peakHeldBytes <= 5_000)
        #expect(snapshot.peakHeldBytes >= 3_000, "the budget was used, not serialised")
    }

    @Test func aLargerReservationFirstInLineIsNotOvertakenBySmallerOnes() async throws {
        let limiter = DownloadLimiter(.fixed(4), memoryBudget: 4_000)
        let log = Log()
        var held = [try await limiter.reserve(1_000), try await limiter.reserve(1_000), try await limiter.reserve(1_000)]
        let large = Task {
            let reservation = try await limiter.reserve(2_000)
            log.add("large")
            return reservation
        }
        // The large one waits (3,000 held + 2,000 > 4,000); a small one behind it must wait too,
        // though it would fit: a clip's earlier segment is never starved by later ones.
        await until { limiter.snapshot.waitingForMemory == 1 }
        let small = Task {
            let reservation = try await limiter.reserve(1_000)
            log.add("small")
            return reservation
        }
        await until { limiter.snapshot.waitingForMemory == 2 }
        #expect(log.all.isEmpty)
        held.removeLast().release()
        let largeReservation = try await large.value
        #expect(log.all == ["large"])
        held.removeLast().release()
        _ = try await small.value
        #expect(log.all == ["large", "small"])
        withExtendedLifetime(largeReservation) {}
    }

    @Test func aDroppedReservationGivesItsBytesBackAndSettlingChargesWhatArrived() async throws {
        let limiter = DownloadLimiter(.fixed(4), memoryBudget: 10_000)
        do {
            let reservation = try await limiter.reserve(1_000)
            reservation.settle(actual: 3_000)
            #expect(limiter.snapshot.heldBytes == 3_000)
        }
        #expect(limiter.snapshot.heldBytes == 0)
        // The estimate learned the size (it comes down slowly: too small lets too many start).
        let next = try await limiter.reserve()
        #expect((3_000..<10_000).contains(limiter.snapshot.heldBytes))
        next.release()
        next.release()
        #expect(limiter.snapshot.heldBytes == 0)
    }

    @Test func aCancelledWaiterLeavesAndOthersGoOn() async throws {
        let limiter = DownloadLimiter(.fixed(1), memoryBudget: 1_000)
        let first = try await limiter.reserve(1_000)
        let waiting = Task { try await limiter.reserve(1_000) }
        await until { limiter.snapshot.waitingForMemory == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(limiter.snapshot.waitingForMemory == 0)
        first.release()
        let again = try await limiter.reserve(1_000)
        #expect(limiter.snapshot.heldBytes == 1_000)
        again.release()
    }

    @Test func permitsAreHandedOutInOrderWithinTheLimit() async throws {
        let limiter = DownloadLimiter(.fixed(2))
        let log = Log()
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await limiter.withPermit { _ in
                        counts.start()
                        log.add("\(index)")
                        for _ in 0..<3 { await Task.yield() }
                        counts.end()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counts.peak == 2)
        #expect(limiter.snapshot.peakInFlight == 2)
        #expect(log.all.count == 20)
    }

    @Test func oneClipIsAdmittedAtATimeUntilItAsksForBytes() async throws {
        let limiter = DownloadLimiter(.fixed(4))
        let log = Log()
        let first = try await limiter.admission()
        let secondHold = Hold()
        let second = Task {
            let admission = try await limiter.admission()
            log.add("second")
            await secondHold.wait()
            withExtendedLifetime(admission) {}
        }
        await until { limiter.snapshot.waitingForAdmission == 1 }
        #expect(log.all.isEmpty)
        // The first clip asks for its playlist: the gate has room, so the next clip may start.
        try await limiter.withPermit { _ in }
        await until { log.all == ["second"] }
        // A clip that ends before asking for anything lets the next one in all the same.
        let third = Task {
            _ = try await limiter.admission()
            log.add("third")
        }
        await until { limiter.snapshot.waitingForAdmission == 1 && secondHold.isWaiting }
        secondHold.release()
        try await second.value
        try await third.value
        #expect(log.all == ["second", "third"])
        withExtendedLifetime(first) {}
    }

    @Test func clipsLargerThanTheClipBudgetRunAloneAndSmallOnesShareIt() async throws {
        let limiter = DownloadLimiter(.fixed(8), clipBudget: 100)
        let log = Log()
        // Two small clips share the budget (each asks for bytes, so the next may be admitted).
        var small1: Admission? = try await limiter.admission(holding: 40)
        try await limiter.withPermit { _ in }
        var small2: Admission? = try await limiter.admission(holding: 40)
        try await limiter.withPermit { _ in }
        #expect(limiter.snapshot.clipBytes == 80)
        // One larger than the whole budget waits until no clip is under way, then goes alone.
        let largeHold = Hold()
        let large = Task {
            let admission = try await limiter.admission(holding: 250)
            log.add("large")
            try await limiter.withPermit { _ in }
            await largeHold.wait()
            withExtendedLifetime(admission) {}
        }
        await until { limiter.snapshot.waitingForAdmission == 1 }
        small1 = nil
        #expect(limiter.snapshot.clipBytes == 40)
        #expect(limiter.snapshot.waitingForAdmission == 1, "admitted beside a clip under way")
        small2 = nil
        await until { largeHold.isWaiting }
        #expect(log.all == ["large"])
        #expect(limiter.snapshot.clipBytes == 250)
        // And nothing else is admitted beside it.
        let after = Task {
            let admission = try await limiter.admission(holding: 1)
            log.add("after")
            withExtendedLifetime(admission) {}
        }
        await until { limiter.snapshot.waitingForAdmission == 1 }
        #expect(log.all == ["large"])
        largeHold.release()
        try await large.value
        try await after.value
        #expect(log.all == ["large", "after"])
        #expect(limiter.snapshot.peakClipBytes == 250)
        #expect(limiter.snapshot.clipBytes == 0)
        withExtendedLifetime((small1, small2)) {}
    }

    @Test func noClipIsAdmittedWhileTransfersWaitForAPermit() async throws {
        let limiter = DownloadLimiter(.fixed(1))
        let hold = Hold()
        let busy = Task { try await limiter.withPermit { _ in await hold.wait() } }
        await until { hold.isWaiting }
        let waitingTransfer = Task { try await limiter.withPermit { _ in } }
        await until { limiter.snapshot.waitingForPermit == 1 }
        let clip = Task { try await limiter.admission() }
        await until { limiter.snapshot.waitingForAdmission == 1 }
        hold.release()
        try await busy.value
        try await waitingTransfer.value
        _ = try await clip.value
    }

    @Test func theAdaptiveLimitLearnsFromRefusals() async throws {
        let limiter = DownloadLimiter(.adaptive(.init(initial: 8, maximum: 32)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    _ = try? await limiter.withPermit(judging: { _ in .refused }) { _ in throw CancellationError() }
                }
            }
            try await group.waitForAll()
        }
        let snapshot = limiter.snapshot
        #expect(snapshot.refusals == 8)
        #expect(snapshot.limit < 8)
    }
}

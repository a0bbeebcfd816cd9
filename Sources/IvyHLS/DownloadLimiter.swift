public import IvyConcurrency
import Synchronization

/// The process's one gate for downloads: every segment, key, init section and playlist request
/// of every clip and camera takes a permit, so that clip and camera counts never multiply the
/// load on the user's link. Two budgets bound memory: segment bytes held in memory (in flight,
/// waiting for an earlier segment, on their way to the remuxer: AES-128 segments, and any
/// segment downloaded without a spool folder) take a share of one, and each clip under way the
/// bytes its remux holds to the end (`admission(holding:)`) of the other.
///
/// The number of permits is fixed, or found by a `ConcurrencyController` from what the transfers
/// achieve. Waiters are served first come, first served: a clip's earlier segments, which asked
/// first, are never starved by its later ones, which is what keeps the budget free of deadlock.
public final class DownloadLimiter: Sendable {
    public enum Concurrency: Sendable, Equatable {
        /// Always this many transfers at once (`--segment-jobs`).
        case fixed(Int)
        /// As many as the link rewards, within the configuration's bounds (`--max-connections`).
        case adaptive(ConcurrencyController.Configuration)

        /// Adaptive from 8 transfers at once, what a player or `yt-dlp -N 8` opens on any line,
        /// up to `maximum` (`--max-connections`): a night's first second is not spent at 4.
        public static func adaptive(upTo maximum: Int) -> Concurrency {
            .adaptive(ConcurrencyController.Configuration(initial: min(8, maximum), maximum: maximum))
        }

        /// Adaptive as `adaptive(upTo:)`, never above `learned`: the most the cloud took at once
        /// before it answered `429 Too Many Requests` (RFC 6585 §4) to an earlier run, so that
        /// later runs do not meet the limit again to learn it.
        public static func adaptive(upTo maximum: Int, learned: Int?) -> Concurrency {
            adaptive(upTo: max(1, min(maximum, learned ?? maximum)))
        }
    }

    /// Bytes of segments held in memory at once by default: 16 MiB, about sixteen 4-second
    /// segments of 720p video (spooled segments take none of it).
    public static let defaultMemoryBudget = 16 << 20
    /// Bytes the clips under way may hold besides their segments by default: 16 MiB, the
    /// sample indexes of about 90 minutes of recording (`admission(holding:)`).
    public static let defaultClipBudget = 16 << 20
    /// A segment's size before any was seen: 1 MiB.
    static let initialSegmentEstimate = 1 << 20

    let state: Mutex<LimiterState>
    private let origin = ContinuousClock.now

    /// - Parameters:
    ///   - concurrency: fixed or adaptive permits.
    ///   - memoryBudget: bytes of segments held in memory at once, in all (at least one segment
    ///     is always allowed, however large).
    ///   - clipBudget: bytes the clips under way hold besides (`admission(holding:)`); one clip
    ///     is always admitted, however large.
    public init(_ concurrency: Concurrency, memoryBudget: Int = DownloadLimiter.defaultMemoryBudget,
                clipBudget: Int = DownloadLimiter.defaultClipBudget) {
        state = Mutex(LimiterState(concurrency: concurrency, memoryBudget: max(1, memoryBudget), clipBudget: max(0, clipBudget),
                                   segmentEstimate: Self.initialSegmentEstimate))
    }

    /// A fixed number of transfers at once (at least one) and the default memory budget.
    public convenience init(limit: Int) {
        precondition(limit > 0, "a download limit must allow at least one download")
        self.init(.fixed(limit))
    }

    /// What the gate saw so far, for logs and metrics.
    public struct Snapshot: Sendable, Equatable {
        /// Transfers allowed at once now.
        public var limit: Int
        public var peakInFlight: Int
        /// `429` answers seen.
        public var refusals: Int
        /// The most transfers allowed at once: the maximum, lowered by each `429` (adaptive), or
        /// the fixed number.
        public var ceiling: Int
        /// Bytes of segments held at once, at most.
        public var peakHeldBytes: Int
        public var memoryBudget: Int
        /// Bytes of segments held now.
        public var heldBytes: Int
        /// Bytes the clips under way held at once besides their segments, at most, and now.
        public var peakClipBytes: Int
        public var clipBudget: Int
        public var clipBytes: Int
        /// Waiters now, by what they wait for.
        public var waitingForPermit: Int
        public var waitingForMemory: Int
        public var waitingForAdmission: Int
    }

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    var now: Duration { ContinuousClock.now - origin }

    // MARK: Permits

    /// One transfer, whose ending `outcome` judges for the concurrency controller (a `429` is
    /// `.refused`, a timeout `.timedOut`, a body in full `.completed`). `body` reports the body
    /// bytes as they arrive through the `Transfer` it is given.
    public func withPermit<T: Sendable>(
        judging outcome: (Result<T, any Error>) -> ConcurrencyController.Outcome = { _ in .other },
        _ body: (Transfer) async throws -> T
    ) async throws -> T {
        let ticket = try await wait(for: .permit)
        let transfer = Transfer(limiter: self)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(transfer))
        } catch {
            result = .failure(error)
        }
        let judged = outcome(result)
        let at = now
        resume(state.withLock { state in
            state.finish(ticket.ticket, judged, at: at)
            return state.grants(at: at)
        })
        return try result.get()
    }

    /// A transfer under way, as its body sees it.
    public struct Transfer: Sendable {
        let limiter: DownloadLimiter

        /// Body bytes arrived: what the adaptive concurrency measures.
        public func received(_ bytes: Int) {
            let at = limiter.now
            limiter.state.withLock { $0.received(bytes, at: at) }
        }
    }

    // MARK: Memory

    /// Waits for `bytes` of the memory budget (the running estimate of a segment's size when
    /// `nil`) and holds them until the reservation is released (or dropped). `queued` is called
    /// once the request has its place in line (before it is granted).
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func reserve(_ bytes: Int? = nil, queued: () -> Void = {}) async throws -> MemoryReservation {
        let amount = bytes ?? state.withLock { $0.segmentEstimate }
        _ = try await wait(for: .memory(amount), queued: queued)
        return MemoryReservation(limiter: self, bytes: amount)
    }

    func settle(reserved: Int, actual: Int) {
        state.withLock { $0.settle(reserved: reserved, actual: actual) }
    }

    func release(_ bytes: Int) {
        let at = now
        resume(state.withLock { state in
            state.held -= bytes
            return state.grants(at: at)
        })
    }

    // MARK: Admission

    /// Waits until the gate has room for one more clip: permits to spare, nobody waiting for
    /// one or for memory, the clip admitted before this one already asking for its bytes, and
    /// `bytes` (what the clip's remux will hold: `Remuxer.sampleIndexBytes(forSeconds:)`) within
    /// the clip budget, or no other clip under way. Clips so admitted start just when the link
    /// can take them, and their signed URLs are asked for no earlier than that; long clips run
    /// one at a time, each able to fill the link alone. Keep the `Admission` until the clip is
    /// done. Clips are admitted first come, first served.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func admission(holding bytes: Int = 0) async throws -> Admission {
        let ticket = try await wait(for: .admission(max(0, bytes)))
        return Admission(limiter: self, id: ticket.id, bytes: max(0, bytes))
    }

    func endAdmission(_ id: UInt64, bytes: Int) {
        let at = now
        resume(state.withLock { state in
            if state.pendingAdmission == id { state.pendingAdmission = nil }
            state.clipHeld -= bytes
            return state.grants(at: at)
        })
    }

    // MARK: Waiting

    private func wait(for want: LimiterState.Want, queued: () -> Void = {}) async throws -> LimiterState.Grant {
        let id = state.withLock { $0.nextID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<LimiterState.Grant, any Error>) in
                let at = now
                let granted = state.withLock { state -> [LimiterState.Granted]? in
                    if Task.isCancelled { return nil }
                    state.enqueue(LimiterState.Waiter(id: id, want: want, continuation: continuation))
                    return state.grants(at: at)
                }
                queued()
                // The grants may well include this waiter's own.
                guard let granted else { return continuation.resume(throwing: CancellationError()) }
                resume(granted)
            }
        } onCancel: {
            let removed = state.withLock { $0.removeWaiter(id) }
            removed?.resume(throwing: CancellationError())
        }
    }

    private func resume(_ granted: [LimiterState.Granted]) {
        for grant in granted { grant.continuation.resume(returning: grant.grant) }
    }
}

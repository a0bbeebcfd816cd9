import Synchronization

/// What only the HTTP layer sees of media requests: how many are being answered at once
/// (`Faults.concurrencyLimit`, `SandboxStats.peakConcurrentMedia`) and how many bytes of media
/// left. `SandboxServer` calls these; the counters live with the others, under one lock.
extension SandboxCloud {
    /// Admits a media request that arrives now, or counts it as a `429` and returns `nil` when
    /// `Faults.concurrencyLimit` media requests are already being answered. The request counts
    /// as being answered until its slot is closed (or released).
    func admitMedia(method: String, path: String) -> MediaSlot? {
        let limit = configuration.faults.concurrencyLimit
        let admitted = state.withLock { state -> Bool in
            if let limit, state.mediaInFlight >= limit {
                state.stats.tooManyRequests += 1
                state.stats.record(SandboxStats.Entry(method: method, path: path, service: nil, status: 429))
                return false
            }
            state.mediaInFlight += 1
            state.stats.peakConcurrentMedia = max(state.stats.peakConcurrentMedia, state.mediaInFlight)
            return true
        }
        if !admitted { logger.debug("answering 429: too many media requests at once", metadata: ["limit": "\(limit ?? 0)"]) }
        return admitted ? MediaSlot(cloud: self) : nil
    }

    /// Bytes of a media body written to a client (`SandboxStats.mediaBytesSent`).
    func recordMediaBytes(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.stats.mediaBytesSent += Int64(count) }
    }

    fileprivate func mediaFinished() {
        state.withLock { $0.mediaInFlight -= 1 }
    }
}

/// One media request being answered. Closed once its body is fully sent; a slot whose answer
/// is dropped before (the client went away) closes when it is released, so that the count
/// never leaks.
final class MediaSlot: Sendable {
    private let cloud: SandboxCloud
    private let open = Atomic(true)

    fileprivate init(cloud: SandboxCloud) {
        self.cloud = cloud
    }

    func close() {
        if open.exchange(false, ordering: .acquiringAndReleasing) { cloud.mediaFinished() }
    }

    deinit { close() }
}

extension SandboxResponse {
    /// What a CDN answers a client over its limit: no `Retry-After`, so the client must pace
    /// itself.
    static let tooManyRequests = SandboxResponse(status: 429, headers: [("Content-Type", "text/plain")], body: Array("too many requests".utf8))
}

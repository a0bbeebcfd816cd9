import Synchronization

/// Bytes of the memory budget, held until released (or until the reservation is dropped).
public final class MemoryReservation: Sendable {
    private let limiter: DownloadLimiter
    private let bytes: Mutex<Int?>

    init(limiter: DownloadLimiter, bytes: Int) {
        self.limiter = limiter
        self.bytes = Mutex(bytes)
    }

    /// The segment turned out `actual` bytes: the budget is charged that instead (without
    /// waiting: the bytes are already here), and the running estimate learns it.
    public func settle(actual: Int) {
        let reserved = bytes.withLock { bytes -> Int? in
            defer { if bytes != nil { bytes = actual } }
            return bytes
        }
        if let reserved { limiter.settle(reserved: reserved, actual: actual) }
    }

    /// Gives the bytes back; later calls do nothing.
    public func release() {
        if let held = bytes.withLock({ bytes -> Int? in
            defer { bytes = nil }
            return bytes
        }) {
            limiter.release(held)
        }
    }

    deinit { release() }
}

/// A clip's place among those under way (`DownloadLimiter.admission(holding:)`), and the bytes
/// it holds of the clip budget; dropping it tells the gate the clip is done, so a clip that
/// failed before asking for bytes blocks no other.
public final class Admission: Sendable {
    private let limiter: DownloadLimiter
    private let id: UInt64

    private let bytes: Int

    init(limiter: DownloadLimiter, id: UInt64, bytes: Int) {
        self.limiter = limiter
        self.id = id
        self.bytes = bytes
    }

    deinit { limiter.endAdmission(id, bytes: bytes) }
}

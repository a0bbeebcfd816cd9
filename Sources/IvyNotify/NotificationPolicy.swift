/// Which notices are sent: a run's whenever it reports a problem (`failure`, `partial`,
/// `expiring`, `lost`), a good run's only with `onSuccess` (`notify_on_success`); and, with a
/// `digest` (`notify_digest`), one digest a day besides.
public struct NotificationPolicy: Sendable, Equatable {
    /// Send a run's notice when all went well, too.
    public var onSuccess: Bool
    /// When the day's digest is due; `nil`: no digest.
    public var digest: DigestSchedule?

    public init(onSuccess: Bool = false, digest: DigestSchedule? = nil) {
        self.onSuccess = onSuccess
        self.digest = digest
    }

    /// Whether a run's notice goes out. A digest always does, when due: it is the day's sign
    /// of life as much as its roll-up.
    public func sends(_ notice: Notice) -> Bool {
        guard notice.kind == .run else { return true }
        return notice.events.contains { $0 != .success } || onSuccess
    }
}

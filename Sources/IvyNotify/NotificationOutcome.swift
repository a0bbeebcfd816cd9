/// What notifying one run did.
public struct NotificationOutcome: Sendable {
    /// The run's own notice went to every target (the policy sent it, and all took it).
    public var runSent = false
    /// The day's digest went to every target with this run.
    public var digestSent = false
    /// What did not work, each one line for the caller to print as a warning; the backup's
    /// exit code stays what it was.
    public var warnings: [NotifyError] = []

    public init() {}
}

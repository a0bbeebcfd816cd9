/// A notification that could not be sent, or a digest that could not be kept. Never the
/// backup's failure: the notifier returns it as a warning, and the caller prints it in one
/// line without changing its exit code. The description names the target (`notify_command`,
/// `notify_url` with its host only: webhook paths hold secrets) and why, redacted.
public struct NotifyError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable {
        case commandFailed, commandTimedOut, commandNotStarted, urlRejected, urlUnreachable, digestState, cancelled
    }

    private let code: Code
    public let description: String

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func commandFailed(_ detail: String) -> Self { Self(code: .commandFailed, description: "notify_command " + detail) }
    static func commandTimedOut(_ detail: String) -> Self { Self(code: .commandTimedOut, description: "notify_command " + detail) }
    static func commandNotStarted(_ detail: String) -> Self { Self(code: .commandNotStarted, description: "notify_command could not be started: " + detail) }
    static func urlRejected(_ detail: String) -> Self { Self(code: .urlRejected, description: "notify_url " + detail) }
    static func urlUnreachable(_ detail: String) -> Self { Self(code: .urlUnreachable, description: "notify_url " + detail) }
    static func digestState(_ detail: String) -> Self { Self(code: .digestState, description: "notify_digest: " + detail) }
    static func cancelled(_ target: String) -> Self { Self(code: .cancelled, description: "\(target): cancelled before it was sent") }

    /// The same failure, its description after `prefix`.
    func prefixed(_ prefix: String) -> Self { Self(code: code, description: prefix + description) }

    /// The command ended with an exit status other than 0 (or by a signal).
    public static let commandFailed = commandFailed("")
    /// The command ran past its timeout and was killed (it and every process it started).
    public static let commandTimedOut = commandTimedOut("")
    /// `/bin/sh` could not be run (or no temporary file made for its input).
    public static let commandNotStarted = commandNotStarted("")
    /// The URL answered with a status other than 2xx (after retries, for 5xx and 429).
    public static let urlRejected = urlRejected("")
    /// No answer: the connection, the name or the time ran out (after retries).
    public static let urlUnreachable = urlUnreachable("")
    /// The digest's state file could not be read or written; the digest waits for a later run.
    public static let digestState = digestState("")
    /// The task was cancelled (an interrupted run) before the notice went out.
    public static let cancelled = cancelled("")
}

/// rclone could not be run, failed, or said what cannot be read. The description is one line
/// for a person: the command (its remote without secrets) and rclone's own last words.
public struct RcloneError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable { case notFound, cannotRun, failed, unreadable }
    private let code: Code
    /// rclone's exit status, for `failed` (128 + the signal for one killed by a signal).
    public let status: Int32?
    public let description: String

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func notFound(_ name: String) -> Self {
        Self(code: .notFound, status: nil, description: "cannot find \(name) on the PATH, and a destination is configured: install rclone "
            + "(apt install rclone), or put its folder on the PATH")
    }

    static func cannotRun(_ detail: String) -> Self {
        Self(code: .cannotRun, status: nil, description: detail)
    }

    static func failed(_ command: String, status: Int32, stderr: String) -> Self {
        let said = stderr.isEmpty ? "" : ": \(stderr)"
        return Self(code: .failed, status: status, description: "rclone \(command) failed (exit status \(status))\(said)")
    }

    static func unreadable(_ command: String, _ detail: String) -> Self {
        Self(code: .unreadable, status: nil, description: "cannot read what rclone \(command) printed: \(detail)")
    }

    /// Patterns for `catch` and tests.
    public static let notFound = notFound("")
    public static let cannotRun = cannotRun("")
    public static let failed = failed("", status: 0, stderr: "")
    public static let unreadable = unreadable("", "")
}

/// A child process that could not be started. The description is one line for a person: the
/// program and why (`cannot run /usr/bin/rclone: No such file or directory`), never its
/// arguments or environment, which may hold secrets.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable { case notStarted }
    private let code: Code
    public let description: String

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func notStarted(_ detail: String) -> Self { Self(code: .notStarted, description: detail) }

    /// Not started: no such program, not executable, or no temporary file for its streams.
    public static let notStarted = notStarted("")
}

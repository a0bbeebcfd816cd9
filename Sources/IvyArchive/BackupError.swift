/// Why a backup could not run, or could not go on (one clip failing is not this: it goes in
/// the summary).
public struct BackupError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable { case locked, archive, storage, unknownDevice }
    private let code: Code
    public let description: String
    /// What a run stopped by its disk (`storage`) did before it stopped, for its report.
    public private(set) var summary: Backup.Summary?

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func locked(_ detail: String) -> Self { Self(code: .locked, description: detail) }
    static func archive(_ detail: String) -> Self { Self(code: .archive, description: detail) }
    static func storage(_ detail: String, summary: Backup.Summary? = nil) -> Self {
        Self(code: .storage, description: detail, summary: summary)
    }
    static func unknownDevice(_ detail: String) -> Self { Self(code: .unknownDevice, description: detail) }

    public static let locked = locked("")
    public static let archive = archive("")
    /// The archive's disk filled up or turned read-only mid-run: the run stopped cleanly.
    public static let storage = storage("")
    /// `--device` names a camera the account does not have (or a name two cameras share).
    public static let unknownDevice = unknownDevice("")
}

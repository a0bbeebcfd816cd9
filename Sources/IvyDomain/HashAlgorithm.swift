/// A hash a remote destination may report for a file, and the archive can compute for its own
/// copy. Raw values are rclone's names for them (`rclone lsjson --hash`), and the catalog's.
public enum HashAlgorithm: String, Sendable, Codable, CaseIterable {
    case sha256
    case sha1
    case md5

    /// Strongest first: the first one both sides have is the one checked.
    public static let preference: [HashAlgorithm] = [.sha256, .sha1, .md5]

    /// For people: `SHA-256`, `SHA-1`, `MD5`.
    public var name: String {
        switch self {
        case .sha256: "SHA-256"
        case .sha1: "SHA-1"
        case .md5: "MD5"
        }
    }
}

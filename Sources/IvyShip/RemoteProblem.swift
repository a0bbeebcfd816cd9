/// A clip whose copy at a destination is not the file the catalog records.
public struct RemoteProblem: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// No file at the clip's path.
        case missing
        case sizeDiffers
        /// The hash compared (the destination's, or SHA-256 of a downloaded copy) differs.
        case hashDiffers
        /// The destination could not be asked (rclone failed): the copy is neither good nor bad.
        case unchecked
    }

    /// Relative to the archive's root and to the destination.
    public var file: String
    public var kind: Kind
    /// One line for a person: sizes, the hash compared, rclone's error.
    public var detail: String

    public var description: String { "\(file): \(detail)" }
}

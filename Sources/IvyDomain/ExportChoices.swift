/// Where an exported piece was read from. Written in the export's sidecar as `archive` or
/// `cloud`.
public enum ClipSource: String, Sendable, Codable {
    /// The archived file, its SHA-256 checked against the catalog.
    case archive
    /// Fetched from the cloud for the export (not archived, or changed on disk).
    case cloud
}

/// How an export cuts its ends. Written in the sidecar as `copy` or `exact`.
public enum ExportMode: String, Sendable, Codable {
    /// Cut on keyframes: nothing asked for is lost, the ends may be wider.
    case copy
    /// `--exact`: the partial GOPs at the ends are re-encoded, the ends are the asked instants.
    case exact
}

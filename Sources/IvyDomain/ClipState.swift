/// Where a clip stands in the archive. Stored in the catalog by its raw value.
public enum ClipState: String, Sendable, Codable, CaseIterable {
    /// Listed by the cloud, not archived yet.
    case seen
    case archived
    /// The last attempt failed; later runs try again while the cloud holds the clip.
    case failed
    /// Archived, then deleted from the archive's disk: by `--keep-days`, or by `keep_local_days`
    /// once a remote destination holds a checked copy (the catalog's shipments say where).
    /// Never fetched again; the catalog keeps its size and SHA-256.
    case pruned
    /// Never archived, and past the cloud's retention: gone for good.
    case lost
    /// Archived with holes: segments stayed unavailable. Later runs try again while the cloud
    /// lists the clip, and a complete file replaces this one atomically.
    case partial

    /// States whose file is in the archive.
    public static let withFile: [ClipState] = [.archived, .partial]
    /// States a run fetches again.
    public static let wanted: [ClipState] = [.seen, .failed, .partial]
}

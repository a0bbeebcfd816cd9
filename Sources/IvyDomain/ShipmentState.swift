/// Where a clip's copy at a remote destination stands. Stored in the catalog by its raw value.
public enum ShipmentState: String, Sendable, Codable, CaseIterable {
    /// Uploaded, then checked at the destination (size and a hash) to be the file the catalog
    /// records.
    case shipped
    /// The last attempt failed (upload, or the check after it); the next run ships the clip
    /// again.
    case failed
}

import IvyDomain

extension Backup {
    /// Fixed points of each clip where a test sets an order that no load can: a clip held once
    /// it is in the archive while another one stops the run, or the deadline passes. Nothing
    /// happens at them outside tests.
    struct Seams: Sendable {
        /// Before the clip is admitted, fetched or written; what it throws is the clip's
        /// failure (a test's full disk for this one clip).
        var starting: @Sendable (ClipKey) async throws -> Void = { _ in }
        /// Once the clip's file is in the archive and the catalog records it: it is archived,
        /// whatever stops the run now. Cannot throw, as nothing may from there on.
        var archived: @Sendable (ClipKey) async -> Void = { _ in }
    }
}

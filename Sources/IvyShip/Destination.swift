public import IvyDomain

/// Where copies of the archive's clips go: a remote store addressed by paths relative to the
/// archive's root (`Front_00626E8A1B01/2026-11-01/010000-011000_continuous.mp4`), so that
/// the remote holds the archive's layout. `RcloneDestination` reaches any rclone remote; a
/// native client (S3) can take its place.
///
/// Implementations report failures by throwing; a file that is not there is no failure
/// (`stat` returns nil). Cancelling the calling task stops the transfer under way.
public protocol Destination: Sendable {
    /// What the catalog records the copies under: stable across runs, never a secret
    /// (`offsite:cams/smith`). Two destinations with one identity are one destination.
    var identity: String { get }

    /// Copies the local file at `localPath` to `path` (relative), replacing what is there.
    func upload(_ localPath: String, to path: String) async throws

    /// The file at `path` (relative) as the destination sees it, or nil when there is none.
    func stat(_ path: String) async throws -> RemoteObject?

    /// Copies the file at `path` (relative) into `localPath`: how a copy is checked at a
    /// destination that reports no hash.
    func download(_ path: String, to localPath: String) async throws

    /// Deletes the file at `path` (relative); one that is not there is no error.
    func delete(_ path: String) async throws
}

/// A file at a destination.
public struct RemoteObject: Sendable, Equatable {
    /// Bytes.
    public var size: Int64
    /// The hashes the destination reports for it (lowercase hex), of those the archive can
    /// compute: none at all for many (WebDAV, SFTP without a shell, crypt).
    public var hashes: [HashAlgorithm: String]

    public init(size: Int64, hashes: [HashAlgorithm: String] = [:]) {
        self.size = size
        self.hashes = hashes
    }
}

public import IvyArchive
public import IvyDomain
public import Logging

/// Copies an archive's clips to a remote destination, checks each copy, and records it in the
/// catalog (table `shipment`), so that a run ships only what is not there yet and resumes what
/// a killed run left; then, with `keep_local_days`, deletes local files of old clips whose copy
/// is checked there. The MP4s only: a clip's thumbnail and the archive's pages are made again
/// from them (`ivy-archiver index`), and each MP4 names its clip in its `comment`, so a
/// catalog can be rebuilt from the copies.
///
/// Every operation takes the archive's lock: call it after a backup has returned, never during.
public struct Shipper: Sendable {
    public let folder: ArchiveFolder
    public let destination: any Destination
    /// Uploads (each with its check) under way at once.
    public var jobs: Int
    let logger: Logger

    public init(archive folder: ArchiveFolder, destination: any Destination, jobs: Int = 4, logger: Logger) {
        self.folder = folder
        self.destination = destination
        self.jobs = jobs
        self.logger = logger
    }

    /// Reported as a run goes, for a progress display or log lines.
    public enum Event: Sendable {
        /// Clips to ship in this run, and their bytes.
        case planned(clips: Int, bytes: Int64)
        /// Uploaded and checked by `algorithm` (`downloaded`: SHA-256 of a copy downloaded,
        /// the destination reporting no hash).
        case shipped(path: String, bytes: Int64, algorithm: HashAlgorithm, downloaded: Bool)
        case failed(path: String, reason: String)
        /// `keep_local_days`: the local file was deleted, its copy checked at the destination.
        case deletedLocal(path: String)
        /// `keep_local_days`: old enough, yet kept: its copy did not pass the check.
        case keptLocal(path: String, reason: String)
    }

    /// What `ship` did.
    public struct Summary: Sendable, Codable {
        /// The destination's identity.
        public var destination: String
        public var shipped: [ShippedFile] = []
        public var failures: [Failure] = []
        /// Bytes uploaded and checked.
        public var bytes: Int64 { shipped.reduce(0) { $0 + $1.bytes } }
        /// Clips this run did not ship (failed, or not started when it was interrupted): the
        /// next run ships them.
        public var left = 0
        /// The run was cancelled: what it shipped until then is recorded; the clip under way is
        /// not (its upload was stopped), and stays to ship.
        public var interrupted = false

        public struct ShippedFile: Sendable, Codable {
            public var device: CameraID
            /// Server Unix seconds.
            public var start: Int64
            /// Relative to the archive's root and to the destination.
            public var path: String
            public var bytes: Int64
            public var algorithm: HashAlgorithm
            public var downloaded: Bool
        }

        public struct Failure: Sendable, Codable {
            public var device: CameraID
            public var start: Int64
            public var path: String
            public var reason: String
        }
    }

    /// What `pruneLocalCopies` did.
    public struct PruneSummary: Sendable, Codable {
        /// Local files deleted (relative to the archive's root); their clips are `pruned`.
        public var deleted: [String] = []
        /// Old enough and shipped, yet kept: the copy did not pass the check again.
        public var kept: [RemoteProblem] = []
        /// Old enough, yet kept: no checked copy of the file at the destination.
        public var notShipped = 0
    }
}

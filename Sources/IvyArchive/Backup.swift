public import Foundation
public import IvyCloud
public import IvyDomain
public import IvyHLS
public import IvyHTTP
public import Logging

/// The nightly job: every clip the cloud holds that the archive does not, into
/// `ARCHIVE/<layout>`, oldest first, each file complete before the catalog records it.
public struct Backup: Sendable {
    public struct Options: Sendable {
        public var archive: String
        /// Cameras by MAC (any notation) or name; empty means every camera on the account.
        public var devices: [String] = []
        /// Unix seconds. `nil`: from where the last complete run stopped, less `overlap` (and
        /// from the oldest clip the archive misses); on a first run, everything the cloud holds.
        public var from: Int64?
        public var to: Int64?
        /// Walked again before the last run's end, for clips the cloud lists late.
        public var overlap: Int64 = 86_400
        /// How far back the cloud is asked at most (no known plan keeps more than 30 days).
        public var horizon: Int64 = 30 * 86_400
        /// Clips under way at once, at most. Each starts only when the download limiter has room
        /// for it (`DownloadLimiter.admission(holding:)`): the link, not this, sets how many run.
        public var jobs = 8
        public var dryRun = false
        public var timeZone = TimeZone.current
        /// Per-camera time zones.
        public var deviceTimeZones: [CameraID: TimeZone] = [:]
        public var layout: ArchiveLayout
        /// `record.query` is asked in windows of this many seconds.
        public var queryWindow: Int64 = 6 * 3600
        /// After a run with no failure, archived days older than this many days are deleted.
        public var keepDays: Int?
        /// How long the cloud keeps footage, in seconds; `nil`: as each camera's plan says.
        public var retention: Int64?
        /// Missing clips the cloud deletes within this many seconds are warned about.
        public var expiryWarning: Int64 = 86_400
        /// When the run must end, archiving what is done; `nil`: when the work is.
        public var deadline: RunDeadline?
        /// Clips that failed on a transient cause (the cloud or the network, after each
        /// request's own retries) or came out partial are tried once more after this pause, so
        /// that a cloud overloaded for a few minutes does not fail the night; `nil`: no second
        /// pass.
        public var retryPause: Duration? = .seconds(120)

        public init(archive: String, layout: ArchiveLayout) {
            self.archive = archive
            self.layout = layout
        }

        /// The zone a camera's days and times are in.
        public func timeZone(of camera: CameraID) -> TimeZone {
            deviceTimeZones[camera] ?? timeZone
        }
    }

    public struct Summary: Sendable, Codable {
        /// Clips written by this run (partial ones included): `archivedClips`' count.
        public var archived: Int { archivedClips.count }
        /// Clips already in the archive.
        public var skipped = 0
        public var failures: [Failure] = []
        /// Bytes written by this run.
        public var bytes: Int64 { archivedClips.reduce(0) { $0 + $1.bytes } }
        /// With `dryRun`: what would be fetched, as archive-relative paths.
        public var planned: [String] = []
        /// Missing clips that the cloud deletes soon, or has deleted.
        public var warnings: [Warning] = []
        /// Clips deleted by `keepDays`.
        public var pruned = 0
        /// With `dryRun`: the archived files `keepDays` would delete after a run with no
        /// failure, relative to the archive.
        public var prunable: [String] = []
        /// Clips archived with holes: segments stayed unavailable. Later runs try them again.
        public var partial: [Partial] = []
        /// Planned clips not archived because the deadline came (stopped, or never started).
        /// They stay wanted: the next run takes them.
        public var unfinished = 0
        /// The run was cancelled (Ctrl-C, SIGTERM) after it got to the clips: what it archived
        /// until then is counted, the rest is `unfinished`; no pruning, no expiry warnings.
        public var interrupted = false
        /// The clips this run archived, in the order they were done.
        public var archivedClips: [ArchivedClip] = []
        /// The cameras walked, in the cloud's order, with their names.
        public var cameras: [Camera] = []
        /// The stretch of cloud time walked, server Unix seconds.
        public var from: Int64 = 0
        public var to: Int64 = 0

        public struct ArchivedClip: Sendable, Codable {
            public var device: CameraID
            /// Unix seconds.
            public var start: Int64
            /// Relative to the archive root.
            public var path: String
            public var bytes: Int64
        }

        public struct Camera: Sendable, Codable {
            public var device: CameraID
            public var name: String
            /// Its clips found already archived.
            public var skipped: Int
        }

        public struct Failure: Sendable, Codable {
            /// `nil` for the account's device list itself (an entry that could not be read).
            public var device: CameraID?
            /// `nil` when the whole device failed (its listing could not be had).
            public var start: Int64?
            public var reason: String
        }

        public struct Warning: Sendable, Codable {
            public var device: CameraID
            public var start: Int64
            public var message: String
            /// What the warning is about, for a program (a notification tells "expires soon"
            /// from "lost" by it); `message` says the same to a person.
            public var kind: Kind

            public enum Kind: String, Sendable, Codable {
                /// Missing, and the cloud deletes it within `Options.expiryWarning`.
                case expiring
                /// Archived with holes, and the cloud deletes what is missing within
                /// `Options.expiryWarning`.
                case partialExpiring = "partial-expiring"
                /// Missing, past its plan's retention and still listed: the cloud may delete it
                /// any moment.
                case overdue
                /// The cloud deleted it before it could be archived (the catalog marks it `lost`).
                case lost
            }

            init(device: CameraID, start: Int64, message: String, kind: Kind) {
                self.device = device
                self.start = start
                self.message = message
                self.kind = kind
            }

            /// A summary written before warnings had a kind reads as `expiring`: the cautious
            /// reading, since a lost clip also said so in its message.
            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                device = try container.decode(CameraID.self, forKey: .device)
                start = try container.decode(Int64.self, forKey: .start)
                message = try container.decode(String.self, forKey: .message)
                kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .expiring
            }
        }

        public struct Partial: Sendable, Codable {
            public var device: CameraID
            public var start: Int64
            /// Relative to the archive root.
            public var path: String
            public var holes: [ClipHole]
        }
    }

    /// Reported as the run goes, for a progress display or log lines.
    public enum Event: Sendable {
        /// A camera's clips are being listed: camera `index` (from 0) of `count`.
        case listing(device: CameraID, name: String, index: Int, count: Int)
        case planned(device: CameraID, clips: Int)
        case archived(path: String, bytes: Int64)
        /// `device` nil: the account's device list.
        case failed(device: CameraID?, start: Int64?, reason: String)
        /// Archived with holes (`Summary.Partial`), instead of `archived`.
        case partial(path: String, bytes: Int64, holes: [ClipHole])
        /// Every planned clip of the device is done (archived or failed).
        case deviceFinished(device: CameraID)
        case warning(device: CameraID, start: Int64, message: String)
        case pruned(path: String)
        /// Clips that failed on a transient cause are tried again after `after`.
        case retrying(clips: Int, after: Duration)
    }

    let client: CloudClient
    let fetcher: ClipFetcher
    let limiter: DownloadLimiter
    let logger: Logger
    /// Tests' hold on the order of clips' ends (`Seams`).
    var seams = Seams()

    public init(client: CloudClient, transport: any HTTPTransport, limiter: DownloadLimiter, policy: HLSDownloader.Policy = .init(), logger: Logger) {
        self.client = client
        self.limiter = limiter
        self.fetcher = ClipFetcher(transport: transport, limiter: limiter, policy: policy, logger: logger)
        self.logger = logger
    }

    /// Archives what is new; with `dryRun`, plans against a private copy of the catalog and
    /// writes nothing at all. A run cancelled while fetching returns its summary, marked
    /// `interrupted`; cancelled before, it throws.
    ///
    /// - Throws: `ArchiveFolderError` when `options.archive` is not an archive (nothing is
    ///   fetched); `BackupError` (`locked`, `archive`, `storage`, `unknownDevice`);
    ///   `CatalogError`; the cloud's errors for the account's device list.
    public func run(_ options: Options, events: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        let folder = try ArchiveFolder.open(options.archive)
        if options.dryRun { return try await dryRun(folder, options: options, events: events) }
        let root = folder.root, state = folder.state, temporary = folder.temporary
        do {
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        } catch {
            throw BackupError.archive("cannot create \(temporary): \(StorageFailure.reason(error))")
        }
        let lock = try ArchiveLock(path: folder.lockPath)
        defer { withExtendedLifetime(lock) {} }
        // Exports made into the archive's root leave their work folder there when killed.
        ExportWorkFolder.sweep(root)
        // Leftovers of a run that died: never complete files, never in the catalog.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] {
            try? FileManager.default.removeItem(atPath: temporary + "/" + name)
        }
        if CatalogRebuild.needsRebuild(catalog: folder.catalogPath, root: root) {
            // Clips without a catalog: an empty or lost one, not a new archive. Fetching them all
            // again would cost the night; their files say what they are.
            logger.warning("the archive holds clips but its catalog is missing or empty; rebuilding it from the files")
            let report = try await CatalogRebuild.rebuild(root: root, layout: options.layout, timeZone: options.timeZone(of:)) { _, _ in }
            logger.notice("catalog rebuilt", metadata: ["clips": "\(report.clips)", "unknown files": "\(report.unknown.count)"])
        }
        let catalog: Catalog
        var run: Catalog.Run
        do {
            catalog = try Catalog(path: folder.catalogPath)
            run = try await catalog.beginRun(at: Date())
        } catch let error as CatalogError {
            throw error
        } catch let error where StorageFailure.isPermission(error, in: state) {
            // A folder this user may not write in is the set-up's mistake, found before any
            // fetching: exit 2, as for an archive that cannot be made.
            throw BackupError.archive("cannot write the catalog in \(state): \(StorageFailure.permissionReason(error, in: state))")
        } catch let error where StorageFailure.problem(error) != nil {
            // A full or read-only disk is no mistake in the command: exit 1, like a disk that
            // fills up mid-run.
            throw BackupError.storage("cannot write the catalog in \(state): \(StorageFailure.reason(error))")
        } catch {
            throw BackupError.archive("cannot open the catalog in \(state): \(StorageFailure.reason(error))")
        }
        let context = Context(options: options, root: root, temporary: temporary, catalog: catalog, events: events)
        let now = try await client.serverNowSeconds()
        let plan = try await plan(context, now: now)
        var summary = Summary(plan)
        var pass = await fetch(plan.items, context: context, into: &summary)
        if pass.stopped == nil, !pass.retry.isEmpty, let pause = options.retryPause, !Task.isCancelled {
            pass = await retry(pass.retry, after: pause, context: context, into: &summary)
        }
        if let stopped = pass.stopped {
            run.result = .stopped(stopped)
            try? await finish(run, summary, catalog: catalog)
            throw BackupError.storage("\(stopped), after \(summary.archived) clip\(summary.archived == 1 ? "" : "s") archived; "
                + "nothing half-written is left in the archive", summary: summary)
        }
        if Task.isCancelled {
            // Interrupted: the run is recorded as such (from a task of its own, which the
            // interruption does not cancel), what is done stays archived, and the summary says
            // what that is.
            run.result = .stopped("interrupted")
            summary.interrupted = true
            let (finished, done) = (run, summary)
            _ = await Task.detached { try? await self.finish(finished, done, catalog: catalog) }.value
            return summary
        }
        summary.warnings = try await expiring(context, cameras: plan.cameras, listed: plan.listed, now: now)
        if summary.failures.isEmpty, summary.unfinished == 0, let keepDays = options.keepDays {
            summary.pruned = try await prune(context, keepDays: keepDays, now: now)
        }
        run.result = summary.failures.isEmpty && summary.partial.isEmpty && summary.unfinished == 0 ? .ok : .partial
        // Complete: every camera listed in full, so the next run may start where this one stopped.
        run.complete = options.devices.isEmpty && options.from == nil && options.to == nil && plan.listedInFull
        do {
            try await finish(run, summary, catalog: catalog)
        } catch {
            // The clips are archived all the same: the report still says which.
            throw BackupError.storage("cannot record the run in the catalog: \(StorageFailure.reason(error))", summary: summary)
        }
        return summary
    }

    /// The plan, and what `keepDays` would prune, from a private copy of the catalog: no lock,
    /// no sweep, no folder, no catalog row written in the archive.
    private func dryRun(_ folder: ArchiveFolder, options: Options, events: @escaping @Sendable (Event) -> Void) async throws -> Summary {
        let catalog: Catalog
        if CatalogRebuild.needsRebuild(catalog: folder.catalogPath, root: folder.root) {
            // What a real run would do first, done on the side: its plan counts the clips the
            // files hold as archived.
            logger.warning("the archive holds clips but its catalog is missing or empty; a real run rebuilds it from the files first")
            catalog = try await CatalogRebuild.privateCatalog(root: folder.root, layout: options.layout, timeZone: options.timeZone(of:))
        } else {
            catalog = try Catalog.privateCopy(of: folder.catalogPath)
        }
        let context = Context(options: options, root: folder.root, temporary: folder.temporary, catalog: catalog, events: events)
        let now = try await client.serverNowSeconds()
        let plan = try await plan(context, now: now)
        var summary = Summary(plan)
        summary.planned = plan.items.map(\.path)
        if let keepDays = options.keepDays {
            summary.prunable = try await pruneCandidates(context, keepDays: keepDays, now: now).compactMap(\.file)
        }
        return summary
    }

    private func finish(_ run: Catalog.Run, _ summary: Summary, catalog: Catalog) async throws {
        var run = run
        run.archived = summary.archived
        run.skipped = summary.skipped
        run.failed = summary.failures.count
        run.bytes = summary.bytes
        run.windowFrom = summary.from
        run.windowTo = summary.to
        try await catalog.finishRun(run, at: Date())
    }

    /// What every stage of one run shares.
    struct Context: Sendable {
        var options: Options
        var root: String
        var temporary: String
        var catalog: Catalog
        var events: @Sendable (Event) -> Void
    }
}

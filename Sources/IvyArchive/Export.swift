public import Foundation
public import IvyCloud
public import IvyDomain
public import IvyHLS
public import IvyHTTP
import IvyMedia
public import Logging

/// An incident as one file: the clips of one camera that overlap a window, from the archive
/// where they are there (checked against the catalog) and from the cloud otherwise, joined in
/// time order into one MP4 with a chapter per clip and per event, and a sidecar that says what
/// it holds (`ExportRecord`), optionally signed (`ExportSignature`).
public struct Export: Sendable {
    public struct Request: Sendable {
        /// A MAC, or a camera's name.
        public var device: String
        public var from: ExportTime
        public var to: ExportTime
        public var output: String
        /// Start and end on the instants: the partial GOP at the start is re-encoded, the end is
        /// cut on the frame (cameras send no B-frames; with them, on the next keyframe).
        public var exact = false
        /// Replace an existing output.
        public var force = false
        /// The longest window, in seconds.
        public var maxWindow: Int64 = 86_400
        /// Where clips may already be; `nil`: everything comes from the cloud.
        public var archive: String?
        /// Back the window up into `archive` first (the export then reads it from there).
        public var save = false
        public var layout = try! ArchiveLayout()
        public var timeZone = TimeZone.current
        /// Per-device time zones, by MAC.
        public var deviceTimeZones: [CameraID: TimeZone] = [:]
        /// Clips fetched from the cloud at once.
        public var jobs = 8
        /// The program and its version, as the sidecar names it (`ivy-archiver 0.2.0 (...)`):
        /// given by the caller, which knows its build.
        public var tool = "IvyArchive (version not given)"
        /// Signs the sidecar (`FILE.mp4.json.sig`, see `ExportSignature`); `nil`: not signed.
        public var signingKey: ExportSigningKey?

        public init(device: String, from: ExportTime, to: ExportTime, output: String) {
            self.device = device
            self.from = from
            self.to = to
            self.output = output
        }
    }

    public enum Event: Sendable {
        /// `--save` ran: `archived` clips went into the archive, by a backup run with `options`
        /// (a caller brings the archive's pages up to date with them).
        case saved(archived: Int, options: Backup.Options)
        case planned(clips: Int, fromArchive: Int)
        case fetched(start: Int64, bytes: Int64)
        case joining
    }

    let client: CloudClient
    let transport: any HTTPTransport
    let limiter: DownloadLimiter
    let fetcher: ClipFetcher
    let policy: HLSDownloader.Policy
    let logger: Logger

    /// `policy`: how segments are fetched (which media hosts are allowed, ...).
    public init(client: CloudClient, transport: any HTTPTransport, limiter: DownloadLimiter, policy: HLSDownloader.Policy = .init(),
                logger: Logger) {
        self.client = client
        self.transport = transport
        self.limiter = limiter
        self.fetcher = ClipFetcher(transport: transport, limiter: limiter, policy: policy, logger: logger)
        self.policy = policy
        self.logger = logger
    }

    public func run(_ request: Request, events: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> ExportRecord {
        let output = (request.output as NSString).standardizingPath
        let folder = (output as NSString).deletingLastPathComponent.isEmpty ? "." : (output as NSString).deletingLastPathComponent
        guard output.lowercased().hasSuffix(".mp4") else { throw ExportError.refused("the output must be an .mp4 file: \(request.output)") }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ExportError.refused("the folder \(folder) does not exist")
        }
        if !request.force, FileManager.default.fileExists(atPath: output) {
            throw ExportError.refused("\(request.output) exists; --force replaces it")
        }
        if request.save, request.archive == nil { throw ExportError.refused("--save needs an archive (--archive, IVY_ARCHIVE or archive in the config)") }
        // A typo'd or unmounted archive is refused, never read as "nothing archived".
        if let archive = request.archive { _ = try ArchiveFolder.open(archive) }

        // The window is checked before asking the cloud anything (in the default zone), and again
        // in the camera's own zone once the camera is known.
        try Self.check(ExportPlan.Window(from: request.from.resolve(in: request.timeZone), to: request.to.resolve(in: request.timeZone)),
                       longest: request.maxWindow)
        var offline: String?
        let device = try await resolve(request.device, archive: request.archive, offline: &offline)
        let zone = request.deviceTimeZones[device.id] ?? request.timeZone
        let window = try ExportPlan.Window(from: request.from.resolve(in: zone), to: request.to.resolve(in: zone))
        try Self.check(window, longest: request.maxWindow)
        if request.save, offline == nil, let archive = request.archive {
            try await save(window, device: device, request: request, archive: archive, events: events)
        }

        var unreadable: [String] = []
        let sources = try await sources(device: device, window: window, archive: request.archive, offline: &offline, unreadable: &unreadable)
        let plan = ExportPlan(sources: sources, window: window)
        guard !plan.pieces.isEmpty else {
            let clock = Self.clock(zone)
            throw ExportError.refused("\(device.name) recorded nothing between \(clock(window.from)) and \(clock(window.to))")
        }
        events(.planned(clips: plan.pieces.count, fromArchive: plan.pieces.count { $0.source.archived != nil }))

        for name in ExportWorkFolder.sweep(folder) { logger.notice("removed the work folder of an export that died", metadata: ["folder": "\(name)"]) }
        let workFolder = try ExportWorkFolder(beside: output)
        let work = workFolder.path
        defer { withExtendedLifetime(workFolder) {} }
        let files = try await files(for: plan.pieces, device: device.mac, archive: request.archive, work: work, jobs: request.jobs, events: events)
        events(.joining)
        var notes = offline.map { ["the cloud could not be reached (\($0)): only archived clips are in this export"] } ?? []
        if !unreadable.isEmpty {
            notes.append("the cloud listed \(unreadable.count) clip\(unreadable.count == 1 ? "" : "s") in this window that could not be read "
                + "(\(unreadable[0])): \(unreadable.count == 1 ? "it is" : "they are") not in this export unless archived")
        }
        return try await join(plan, files: files, device: device, zone: zone, request: request, output: output, work: work, notes: notes)
    }

    /// A camera by what an export needs of it; from the cloud, or from the catalog when offline.
    struct Camera: Sendable {
        var id: CameraID
        /// As the cloud spells it, for its calls.
        var mac: String
        var name: String
        /// The cloud's `productName`; `nil` offline (the catalog keeps no model).
        var model: String?
    }

    /// A MAC (in any notation) or a name; a name two cameras share is refused. When the cloud
    /// cannot be reached, the archive's catalog names the cameras it has footage of, and the
    /// export goes on from the archive alone (`offline` says why).
    private func resolve(_ wanted: String, archive: String?, offline: inout String?) async throws -> Camera {
        var cameras: [Camera]
        do {
            // The cameras that could be read: one unreadable entry must not stop an incident export.
            cameras = try await client.deviceListing().elements.compactMap { device in
                CameraID(device.macAddr).map { Camera(id: $0, mac: device.macAddr, name: device.deviceName, model: device.productName) }
            }
        } catch let error as CloudClientError where error.isUnavailable {
            guard let archive, FileManager.default.fileExists(atPath: Self.catalogPath(archive)) else { throw error }
            cameras = try await Catalog(path: Self.catalogPath(archive), readOnly: true).cameras().map { Camera(id: $0.id, mac: $0.id.mac, name: $0.name) }
            guard !cameras.isEmpty else { throw error }
            logger.warning("the cloud could not be reached; exporting from the archive alone: \(error)")
            offline = "\(error)"
        }
        switch CameraLookup.find(wanted, in: cameras, camera: \.id, name: \.name, place: offline == nil ? "on the account" : "in the archive") {
        case .success(let camera): return camera
        case .failure(let failure): throw ExportError.refused(failure.message)
        }
    }

    /// `--save`: the window goes into the archive first, like a backup of just this camera.
    private func save(_ window: ExportPlan.Window, device: Camera, request: Request, archive: String,
                      events: @Sendable (Event) -> Void) async throws {
        var options = Backup.Options(archive: archive, layout: request.layout)
        // On demand: a person waits; what fails here is fetched from the cloud by the export.
        options.retryPause = nil
        options.devices = [device.mac]
        options.from = window.from - ExportPlan.longestClip
        options.to = window.to
        options.timeZone = request.timeZone
        options.deviceTimeZones = request.deviceTimeZones
        options.jobs = request.jobs
        let backup = Backup(client: client, transport: transport, limiter: limiter, policy: policy, logger: logger)
        let summary = try await backup.run(options)
        events(.saved(archived: summary.archived, options: options))
        if summary.interrupted { throw CancellationError() }
        if !summary.failures.isEmpty { logger.warning("--save: \(summary.failures.count) clips could not be archived; they come from the cloud") }
    }

    /// Clips overlapping the window: the cloud's listing and the archive's catalog together
    /// (the archive may hold clips the cloud has deleted). A clip is its start and its type:
    /// an event may start on the same second as a continuous chunk, and both are listed.
    private func sources(device: Camera, window: ExportPlan.Window, archive: String?, offline: inout String?,
                         unreadable: inout [String]) async throws -> [ExportPlan.Source] {
        struct Key: Hashable { var start: Int64, type: Int }
        var byStart: [Key: ExportPlan.Source] = [:]
        var lists: [[Recording]] = []
        if offline == nil {
            do {
                for query in RecordingSet.windows(from: window.from - ExportPlan.longestClip, to: window.to, size: 6 * 3600) {
                    let listing = try await client.recordingListing(device: device.mac, from: query.lowerBound, to: query.upperBound)
                    lists.append(listing.elements)
                    unreadable += listing.unreadable
                }
            } catch let error as CloudClientError where error.isUnavailable && archive.map({ FileManager.default.fileExists(atPath: Self.catalogPath($0)) }) == true {
                logger.warning("the cloud could not be reached; exporting from the archive alone: \(error)")
                offline = "\(error)"
                lists = []
            }
        }
        // Merged per type, so that a longer continuous chunk does not hide an event at its start.
        let types = Set(lists.joined().map(\.type.rawValue))
        for type in types {
            let merged = RecordingSet.merge(lists.map { $0.filter { $0.type.rawValue == type } })
            for recording in merged where recording.end > window.from && recording.start < window.to {
                byStart[Key(start: recording.start, type: type)] = ExportPlan.Source(start: recording.start, end: recording.end, type: recording.type)
            }
        }
        if let archive, FileManager.default.fileExists(atPath: Self.catalogPath(archive)) {
            for clip in try await Catalog(path: Self.catalogPath(archive), readOnly: true).archived(device.id) where clip.end > window.from && clip.start < window.to {
                let key = Key(start: clip.start, type: clip.type)
                var source = byStart[key] ?? ExportPlan.Source(start: clip.start, end: clip.end, type: RecordType(rawValue: clip.type), listed: false)
                source.archived = clip
                source.end = max(source.end, clip.end)
                byStart[key] = source
            }
        }
        return Array(byStart.values)
    }

    private static func check(_ window: ExportPlan.Window, longest: Int64) throws {
        guard window.to != window.from else { throw ExportError.refused("--from and --to are the same instant") }
        guard window.to > window.from else { throw ExportError.refused("--to is before --from") }
        guard window.to - window.from <= longest else {
            throw ExportError.refused("the window is \(hours(window.to - window.from)) long; the most is \(hours(longest)) (--max-hours)")
        }
    }

    static func catalogPath(_ archive: String) -> String {
        ArchiveFolder(root: archive).catalogPath
    }

    /// A window's length as the tool writes lengths (`24h00m`).
    static func hours(_ seconds: Int64) -> String { HumanReadable.duration(Double(seconds)) }

    /// Wall-clock times in the camera's zone, for messages and chapter names.
    static func clock(_ zone: TimeZone) -> @Sendable (Int64) -> String { { RecordingTime($0).wallClock(in: zone) } }
}

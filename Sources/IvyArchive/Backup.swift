public import Foundation
public import IvyCloud
public import IvyHLS
public import IvyHTTP
public import Logging

/// The nightly job: every clip the cloud holds that the archive does not, into
/// `ARCHIVE/<layout>`, oldest first, each file complete before the catalog records it.
public struct Backup: Sendable {
    public struct Options: Sendable {
        public var archive: String
        /// MACs; empty means every device on the account.
        public var devices: [String] = []
        /// Unix seconds; `nil`: everything the cloud still holds (the last 30 days are asked).
        public var from: Int64?
        public var to: Int64?
        /// Clips fetched at once (their segments share the download limit).
        public var jobs = 2
        public var dryRun = false
        public var timeZone = TimeZone.current
        /// Per-device time zones, by MAC.
        public var deviceTimeZones: [String: TimeZone] = [:]
        public var layout: ArchiveLayout
        /// `record.query` is asked in windows of this many seconds.
        public var queryWindow: Int64 = 6 * 3600

        public init(archive: String, layout: ArchiveLayout) {
            self.archive = archive
            self.layout = layout
        }
    }

    public struct Summary: Sendable, Codable {
        public var archived = 0
        /// Clips already in the archive.
        public var skipped = 0
        public var failures: [Failure] = []
        public var bytes: Int64 = 0
        /// With `dryRun`: what would be fetched, as archive-relative paths.
        public var planned: [String] = []

        public struct Failure: Sendable, Codable {
            public var device: String
            public var start: Int64
            public var reason: String
        }
    }

    /// Reported as the run goes, for a progress display or log lines.
    public enum Event: Sendable {
        case planned(device: String, clips: Int)
        case archived(path: String, bytes: Int64)
        case failed(device: String, start: Int64, reason: String)
    }

    let client: CloudClient
    let fetcher: ClipFetcher
    let logger: Logger

    public init(client: CloudClient, transport: any HTTPTransport, limiter: DownloadLimiter, logger: Logger) {
        self.client = client
        self.fetcher = ClipFetcher(transport: transport, limiter: limiter, logger: logger)
        self.logger = logger
    }

    public func run(_ options: Options, events: @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        let root = (options.archive as NSString).standardizingPath
        let state = root + "/.ivy-archiver"
        let temporary = state + "/tmp"
        do {
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        } catch {
            throw BackupError.archive("cannot create \(temporary): \(error.localizedDescription)")
        }
        let lock = try ArchiveLock(path: state + "/lock")
        defer { withExtendedLifetime(lock) {} }
        // Leftovers of a run that died: never complete files, never in the catalog.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] {
            try? FileManager.default.removeItem(atPath: temporary + "/" + name)
        }
        let catalog = try Catalog(path: state + "/catalog.sqlite")
        let run = try catalog.beginRun(at: Date())
        let summary = try await backUp(options, root: root, temporary: temporary, catalog: catalog, events: events)
        try catalog.finishRun(run, at: Date(), archived: summary.archived, skipped: summary.skipped, failed: summary.failures.count,
                              bytes: summary.bytes, result: options.dryRun ? "dry-run" : summary.failures.isEmpty ? "ok" : "partial")
        return summary
    }

    private func backUp(_ options: Options, root: String, temporary: String, catalog: Catalog, events: @Sendable (Event) -> Void) async throws -> Summary {
        let now = try await client.serverNowSeconds()
        let from = options.from ?? now - 30 * 86_400
        let to = min(options.to ?? now, now)
        var devices = try await client.devices()
        if !options.devices.isEmpty {
            let wanted = Set(options.devices.map(ArchiveLayout.safeMAC))
            devices = devices.filter { wanted.contains(ArchiveLayout.safeMAC($0.macAddr)) }
        }

        var summary = Summary()
        var work: [(device: Device, recording: Recording, path: String)] = []
        for device in devices {
            // The dateList's zone is undocumented: it only lets us skip windows with no recorded
            // day within a day either side of them; correctness never depends on it.
            let days = Set(try await client.recordingHours(device: device.macAddr).map(\.dayNumber))
            var lists: [[Recording]] = []
            for window in RecordingSet.windows(from: from, to: to, size: options.queryWindow) {
                let first = window.lowerBound / 86_400 - 1, last = window.upperBound / 86_400 + 1
                guard (first...last).contains(where: days.contains) else { continue }
                lists.append(try await client.recordings(device: device.macAddr, from: window.lowerBound, to: window.upperBound))
            }
            let recordings = RecordingSet.merge(lists).filter { $0.end <= now }
            try catalog.noteSeen(device: device.macAddr, recordings: recordings)
            let zone = options.deviceTimeZones[ArchiveLayout.safeMAC(device.macAddr)] ?? options.timeZone
            var planned = 0
            for recording in recordings {
                let path = options.layout.relativePath(deviceName: device.deviceName, mac: device.macAddr, recording: recording, timeZone: zone)
                let known = try catalog.clip(device: device.macAddr, start: recording.start)
                if known?.state == .archived, let file = known?.file, FileManager.default.fileExists(atPath: root + "/" + file) {
                    summary.skipped += 1
                    continue
                }
                work.append((device, recording, path))
                planned += 1
            }
            events(.planned(device: device.macAddr, clips: planned))
        }
        work.sort { $0.recording.start < $1.recording.start }
        if options.dryRun {
            summary.planned = work.map(\.path)
            return summary
        }

        try await withThrowingTaskGroup(of: (Int, Result<(String, Int64), any Error>).self) { group in
            var next = 0
            func launch(_ index: Int, into group: inout ThrowingTaskGroup<(Int, Result<(String, Int64), any Error>), any Error>) {
                let item = work[index]
                group.addTask {
                    do {
                        return (index, .success(try await archive(item.device, item.recording, path: item.path, root: root, temporary: temporary, catalog: catalog)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < work.count, next < max(1, options.jobs) {
                launch(next, into: &group)
                next += 1
            }
            while let (index, result) = try await group.next() {
                let item = work[index]
                switch result {
                case .success(let (path, bytes)):
                    summary.archived += 1
                    summary.bytes += bytes
                    events(.archived(path: path, bytes: bytes))
                case .failure(let error):
                    let reason = "\(error)"
                    try? catalog.markFailed(device: item.device.macAddr, start: item.recording.start, error: reason)
                    summary.failures.append(.init(device: item.device.macAddr, start: item.recording.start, reason: reason))
                    events(.failed(device: item.device.macAddr, start: item.recording.start, reason: reason))
                    if error is CancellationError { throw error }
                }
                if next < work.count {
                    launch(next, into: &group)
                    next += 1
                }
            }
        }
        return summary
    }

    /// One clip: signed URL, download and remux into the archive, checksum, catalog.
    private func archive(_ device: Device, _ recording: Recording, path: String, root: String, temporary: String, catalog: Catalog) async throws -> (String, Int64) {
        let destination = root + "/" + path
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let client = client
        let mac = device.macAddr
        let url = try await client.playbackURLs(device: mac, start: recording.start).preferred!
        let result = try await fetcher.fetch(
            url: url, to: destination, title: "\(device.deviceName) \(recording.type.name)",
            creationTime: Date(timeIntervalSince1970: Double(recording.start)), temporaryDirectory: temporary,
            refreshURL: { try await client.playbackURLs(device: mac, start: recording.start).preferred! })
        let digest = try FileDigest.sha256(path: destination)
        let codecs = [result.video, result.audio].compactMap { $0 }.joined(separator: "+")
        try catalog.markArchived(device: mac, start: recording.start, file: path, size: Int64(result.bytes), sha256: digest,
                                 duration: result.mediaSeconds, codecs: codecs)
        return (path, Int64(result.bytes))
    }
}

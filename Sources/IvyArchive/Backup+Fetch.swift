import Foundation
import IvyCloud
import IvyHLS
import IvyHTTP
import IvyMedia
import IvyConcurrency
import IvyDomain

extension Backup {
    /// How one clip went.
    private enum Outcome: Sendable {
        case archived(Archived)
        case failed(any Error)
        /// Not started, or stopped, because the deadline passed: the clip stays wanted.
        case unfinished
    }

    /// An archive that cannot be written to: the run stops.
    private struct StorageStop: Error {
        var problem: String
    }

    /// What a fetch pass left to do.
    struct Pass {
        /// Why the run stopped (an archive that cannot be written to), if it did.
        var stopped: String?
        /// Clips that failed on a transient cause, or came out partial: worth another pass
        /// after a pause.
        var retry: [Plan.Item] = []
    }

    /// Fetches `items`, oldest first, up to `jobs` at a time, each admitted when the download
    /// limiter has room for it, so that one clip's last transfers, its remux's end, sync,
    /// checksum and catalog entry overlap the next clips' transfers. One clip failing does not stop
    /// the others; an archive that cannot be written to (full, read-only) stops the run, and
    /// that reason is returned. At the deadline, clips under way are stopped and no clip starts.
    ///
    /// Whatever stops the pass (its disk, the deadline, a cancellation), what the clips under way
    /// still return is handled: a clip whose file reached the archive before it could be stopped
    /// is in the summary, never dropped with the clips that were.
    func fetch(_ items: [Plan.Item], context: Context, into summary: inout Summary) async -> Pass {
        var pass = Pass()
        let deadline = context.options.deadline
        var remaining = Dictionary(items.map { ($0.camera, 1) }, uniquingKeysWith: +)
        var handled = 0
        do {
            try await BoundedConcurrency.forEach(items, limit: context.options.jobs, afterError: .handleUnderWay) { item in
                await clip(item, deadline: deadline, context: context)
            } handle: { index, outcome in
                handled += 1
                let item = items[index]
                let mac = item.camera
                switch outcome {
                case .archived(let archived):
                    // A second pass's file replaces the first's (a partial clip tried again).
                    summary.archivedClips.removeAll { $0.device == mac && $0.start == item.recording.start }
                    summary.partial.removeAll { $0.device == mac && $0.start == item.recording.start }
                    summary.archivedClips.append(.init(device: mac, start: item.recording.start, path: archived.path, bytes: archived.bytes))
                    let missing = archived.holes.filter(\.isUnavailable)
                    if missing.isEmpty {
                        context.events(.archived(path: archived.path, bytes: archived.bytes))
                    } else {
                        pass.retry.append(item)
                        summary.partial.append(.init(device: mac, start: item.recording.start, path: archived.path, holes: missing))
                        context.events(.partial(path: archived.path, bytes: archived.bytes, holes: missing))
                    }
                case .unfinished:
                    summary.unfinished += 1
                case .failed where pass.stopped != nil:
                    // Stopped with the run by its disk (cancelled, or failing on the same disk):
                    // not the clip's failure, and the run's error says why; it stays wanted.
                    break
                case .failed(let error) where error is CancellationError || Task.isCancelled:
                    // Interrupted (Ctrl-C, SIGTERM): not the clip's failure; it stays wanted.
                    summary.unfinished += 1
                case .failed(let error):
                    if let problem = StorageFailure.problem(error) {
                        // Stops the clips under way; what they still archive is handled after.
                        pass.stopped = problem
                        throw StorageStop(problem: problem)
                    }
                    let reason = "\(error)"
                    if Self.isTransient(error) { pass.retry.append(item) }
                    try? await context.catalog.markFailed(item.key, error: reason)
                    summary.failures.append(.init(device: mac, start: item.recording.start, reason: reason))
                    context.events(.failed(device: mac, start: item.recording.start, reason: reason))
                }
                remaining[mac, default: 1] -= 1
                if remaining[mac] == 0 { context.events(.deviceFinished(device: mac)) }
            }
        } catch {
            // Stopped by the disk (`pass.stopped`, set when it was handled): the run's error says
            // so. Cancelled: the clips that never started are not done either.
            if pass.stopped != nil { return pass }
        }
        summary.unfinished += items.count - handled
        return pass
    }

    /// The second pass: after `pause`, the clips of `retry` once more, their first failure taken
    /// back out of the summary. A partial file of the first pass stays counted until the second
    /// replaces it: a second pass that fails, or is stopped, leaves it in the archive. Skipped
    /// when the deadline would pass during the pause, or when the run is cancelled.
    func retry(_ items: [Plan.Item], after pause: Duration, context: Context, into summary: inout Summary) async -> Pass {
        context.events(.retrying(clips: items.count, after: pause))
        logger.notice("clips failed on a transient cause; trying them again after a pause", metadata: ["clips": "\(items.count)", "pause": "\(pause)"])
        do {
            if let deadline = context.options.deadline {
                try await deadline.bounding { try await Task.sleep(for: pause) }
            } else {
                try await Task.sleep(for: pause)
            }
        } catch {
            return Pass()
        }
        let keys = Set(items.map(\.key))
        summary.failures.removeAll { failure in
            failure.device.map { camera in failure.start.map { keys.contains(ClipKey(camera: camera, start: $0)) } ?? false } ?? false
        }
        return await fetch(items, context: context, into: &summary)
    }

    /// The network or the cloud failing until the tries ran out: worth another go later, unlike
    /// a refusal or a clip the cloud does not have.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as HLSError: error.isTransient
        case let error as CloudClientError: error.isUnavailable
        case let error as CloudAPIError: error.code == .systemError || error.code == .systemUpgrade
        case let error as HTTPError: error.isTransient
        default: false
        }
    }

    /// One clip, once admitted, stopped by the deadline if there is one.
    private func clip(_ item: Plan.Item, deadline: RunDeadline?, context: Context) async -> Outcome {
        // Long clips' remuxes hold their sample index to the end: they run one at a time.
        let index = Remuxer.sampleIndexBytes(forSeconds: Double(item.recording.duration))
        let admitted: @Sendable () async throws -> Archived = { [limiter, seams] in
            // Before the admission: a clip a test holds here keeps no other from being admitted.
            try await seams.starting(item.key)
            let admission = try await limiter.admission(holding: index)
            defer { withExtendedLifetime(admission) {} }
            return try await archive(item, context: context)
        }
        do {
            guard let deadline else { return .archived(try await admitted()) }
            if deadline.hasPassed() { return .unfinished }
            return .archived(try await deadline.bounding(admitted))
        } catch is RunDeadline.Passed {
            return .unfinished
        } catch {
            return .failed(error)
        }
    }

    /// What one clip left in the archive.
    struct Archived: Sendable {
        var path: String
        var bytes: Int64
        var holes: [ClipHole]
    }

    /// One clip: signed URL, download and remux into the archive, checksum, catalog. A segment
    /// that stays unavailable leaves a hole rather than costing the clip: the rest is archived
    /// as `partial` (replacing an earlier partial file atomically), and tried again next run.
    private func archive(_ item: Plan.Item, context: Context) async throws -> Archived {
        let path = item.path
        let destination = context.root + "/" + path
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let start = item.recording.start
        let (result, source) = try await fetcher.fetch(
            recordingOf: item.device.macAddr, start: start, from: client, to: destination, title: "\(item.device.deviceName) \(item.recording.type.name)",
            creationTime: Date(timeIntervalSince1970: Double(start)),
            comment: ClipIdentity(camera: item.camera, deviceName: item.device.deviceName, recording: item.recording).comment,
            recordedSeconds: Double(item.recording.duration), temporaryDirectory: context.temporary, keepsPartial: true)
        do {
            let digest = try await FileDigest.sha256(path: destination)
            try await context.catalog.markArchived(item.key, file: path, size: Int64(result.bytes), sha256: digest, duration: result.duration,
                                                   codecs: CodecPair(video: result.video, audio: result.audio), sourceURL: source, holes: result.holes)
        } catch {
            // A file the catalog does not know would never be verified: take it back out.
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
        // From here the clip is archived: nothing may throw, or the summary would miss it.
        await seams.archived(item.key)
        // Made anew each time, so a partial clip's is replaced with the clip; a failure is a warning.
        await ArchiveThumbnails(folder: ArchiveFolder(root: context.root)).refresh(clipFile: path, logger: logger)
        return Archived(path: path, bytes: Int64(result.bytes), holes: result.holes)
    }
}

import Foundation
import IvyCloud

extension Backup {
    /// What one clip's task reports: a struct, not a tuple (a tuple with an existential inside
    /// came back garbled from a task group in release builds).
    private struct Outcome: Sendable {
        var index: Int
        var result: Result<Archived, any Error>
    }

    /// Fetches the plan's clips, `jobs` at a time, oldest first. One clip failing does not stop
    /// the others; an archive that cannot be written to (full, read-only) stops the run, and
    /// that reason is returned.
    func fetch(_ plan: Plan, context: Context, into summary: inout Summary) async -> String? {
        let items = plan.items
        let deadline = context.options.deadline
        var remaining = Dictionary(items.map { ($0.device.macAddr, 1) }, uniquingKeysWith: +)
        return await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            var running = 0
            var deadlinePassed = false
            if let deadline {
                // Watches the deadline while clips are under way; ends when they are.
                group.addTask {
                    while !deadline.hasPassed() {
                        do { try await Task.sleep(for: RunDeadline.pollInterval) } catch { return Outcome(index: Self.watcher, result: .failure(Watch.ended)) }
                    }
                    return Outcome(index: Self.watcher, result: .failure(Watch.deadlinePassed))
                }
            }
            func launchNext(into group: inout TaskGroup<Outcome>) {
                guard next < items.count, !Task.isCancelled, !deadlinePassed else { return }
                if deadline?.hasPassed() == true {
                    deadlinePassed = true
                    return
                }
                launch(items[next], index: next, context: context, into: &group)
                next += 1
                running += 1
            }
            while running < max(1, context.options.jobs), next < items.count, !deadlinePassed { launchNext(into: &group) }
            if running == 0 { group.cancelAll() }
            while let outcome = await group.next() {
                if outcome.index == Self.watcher {
                    if case .failure(let watch) = outcome.result, watch as? Watch == .deadlinePassed {
                        deadlinePassed = true
                        group.cancelAll()
                    }
                    continue
                }
                running -= 1
                let item = items[outcome.index]
                let mac = item.device.macAddr
                switch outcome.result {
                case .success(let archived):
                    summary.archived += 1
                    summary.bytes += archived.bytes
                    context.events(.archived(path: archived.path, bytes: archived.bytes))
                    let missing = archived.holes.filter(\.isUnavailable)
                    if !missing.isEmpty {
                        summary.partial.append(.init(device: mac, start: item.recording.start, path: archived.path, holes: missing))
                        context.events(.partial(path: archived.path, holes: missing))
                    }
                case .failure(let error) where deadlinePassed && error is CancellationError:
                    // Stopped at the deadline: not a failure of the clip, which stays wanted.
                    summary.unfinished += 1
                case .failure(let error):
                    if let problem = StorageFailure.problem(error) {
                        group.cancelAll()
                        return problem
                    }
                    let reason = error is CancellationError ? "cancelled" : "\(error)"
                    try? context.catalog.markFailed(device: mac, start: item.recording.start, error: reason)
                    summary.failures.append(.init(device: mac, start: item.recording.start, reason: reason))
                    context.events(.failed(device: mac, start: item.recording.start, reason: reason))
                }
                remaining[mac, default: 1] -= 1
                if remaining[mac] == 0 { context.events(.deviceFinished(device: mac)) }
                launchNext(into: &group)
                // Nothing left under way: the watcher has nothing to watch.
                if running == 0 { group.cancelAll() }
            }
            summary.unfinished += items.count - next
            return nil
        }
    }

    /// `Outcome.index` of the task that watches the deadline, and what it reports.
    private static let watcher = -1
    private enum Watch: Error { case deadlinePassed, ended }

    private func launch(_ item: Plan.Item, index: Int, context: Context, into group: inout TaskGroup<Outcome>) {
        group.addTask {
            do {
                return Outcome(index: index, result: .success(try await archive(item, context: context)))
            } catch {
                return Outcome(index: index, result: .failure(error))
            }
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
        let mac = item.device.macAddr
        let start = item.recording.start
        let (result, source) = try await fetcher.fetch(
            recordingOf: mac, start: start, from: client, to: destination, title: "\(item.device.deviceName) \(item.recording.type.name)",
            creationTime: Date(timeIntervalSince1970: Double(start)),
            comment: ClipIdentity(device: mac, deviceName: item.device.deviceName, recording: item.recording).comment,
            recordedSeconds: Double(item.recording.duration), temporaryDirectory: context.temporary, keepsPartial: true)
        do {
            let digest = try FileDigest.sha256(path: destination)
            let codecs = [result.video, result.audio].compactMap { $0 }.joined(separator: "+")
            try context.catalog.markArchived(device: mac, start: start, file: path, size: Int64(result.bytes), sha256: digest,
                                             duration: result.remux.duration, codecs: codecs, sourceURL: source, holes: result.holes)
        } catch {
            // A file the catalog does not know would never be verified: take it back out.
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
        return Archived(path: path, bytes: Int64(result.bytes), holes: result.holes)
    }
}

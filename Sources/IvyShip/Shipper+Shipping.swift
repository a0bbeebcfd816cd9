import Foundation
import IvyArchive
import IvyConcurrency
import IvyDomain

extension Shipper {
    /// Ships every clip whose file is in the archive (`archived`, `partial`) and has no
    /// checked copy of that very file at the destination (never shipped, failed, or archived
    /// again since), `jobs` at a time, oldest camera and clip first: upload, then the check
    /// (`RemoteCheck`), then the catalog's record. A clip that fails is recorded with its
    /// reason and shipped again by the next run; so is one whose upload a killed or cancelled
    /// run stopped (nothing was recorded).
    ///
    /// Cancelling the task stops the uploads under way (rclone is killed) and returns the
    /// summary, marked `interrupted`.
    ///
    /// - Throws: `BackupError.locked` when a backup holds the archive; `CatalogError`;
    ///   `BackupError.archive` when the archive's temporary folder cannot be made.
    public func ship(events: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        let lock = try folder.lock()
        defer { withExtendedLifetime(lock) {} }
        let catalog = try Catalog(path: folder.catalogPath)
        let clips = try await catalog.unshipped(to: destination.identity)
        var summary = Summary(destination: destination.identity, left: clips.count)
        events(.planned(clips: clips.count, bytes: clips.reduce(0) { $0 + ($1.size ?? 0) }))
        guard !clips.isEmpty else { return summary }
        logger.info("shipping clips", metadata: ["destination": "\(destination.identity)", "clips": "\(clips.count)"])
        let check = RemoteCheck(destination: destination, scratch: folder.temporary)
        do {
            try await BoundedConcurrency.forEach(clips, limit: jobs, order: .completion) { clip in
                try await shipOne(clip, check: check)
            } handle: { index, outcome in
                let clip = clips[index]
                let path = clip.file ?? "\(clip.key)"
                switch outcome {
                case .shipped(let copy, let downloaded):
                    try await catalog.markShipped(clip.key, to: destination.identity, sha256: clip.sha256 ?? "", copy: copy, at: Date())
                    summary.shipped.append(.init(device: clip.camera, start: clip.start, path: path, bytes: copy.size,
                                                 algorithm: copy.algorithm, downloaded: downloaded))
                    summary.left -= 1
                    events(.shipped(path: path, bytes: copy.size, algorithm: copy.algorithm, downloaded: downloaded))
                case .failed(let reason):
                    try await catalog.markShipFailed(clip.key, to: destination.identity, sha256: clip.sha256 ?? "", error: reason)
                    summary.failures.append(.init(device: clip.camera, start: clip.start, path: path, reason: reason))
                    logger.warning("not shipped", metadata: ["file": "\(path)", "reason": "\(reason)"])
                    events(.failed(path: path, reason: reason))
                }
            }
        } catch is CancellationError {
            summary.interrupted = true
        }
        return summary
    }

    enum Outcome: Sendable {
        case shipped(Catalog.RemoteCopy, downloaded: Bool)
        case failed(String)
    }

    /// One clip's upload and check. Fails (never throws) for anything but cancellation: one
    /// clip's trouble is no reason to stop the others.
    private func shipOne(_ clip: Catalog.Clip, check: RemoteCheck) async throws -> Outcome {
        guard let file = clip.file, let sha256 = clip.sha256, let size = clip.size else {
            return .failed("the catalog records no file, size or SHA-256 for it")
        }
        let local = folder.root + "/" + file
        guard FileManager.default.fileExists(atPath: local) else { return .failed("the archive's file is missing (run verify)") }
        do {
            try await destination.upload(local, to: file)
            switch try await check.check(file, size: size, sha256: sha256, local: local) {
            case .matches(let copy, let downloaded): return .shipped(copy, downloaded: downloaded)
            case .differs(_, let detail): return .failed("uploaded, but the copy \(detail)")
            case .localDiffers(let detail): return .failed(detail)
            case .sizeMatches: return .failed("uploaded, but the copy could not be checked")
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Cancelled while rclone was under way: the child was stopped, and says so.
            try Task.checkCancellation()
            return .failed("\(error)")
        }
    }
}

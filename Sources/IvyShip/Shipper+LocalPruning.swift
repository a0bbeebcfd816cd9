public import Foundation
import IvyArchive
public import IvyDomain

extension Shipper {
    /// `keep_local_days`: deletes the local files of clips from days older than `keepDays`
    /// (each camera's days in `timeZone(camera)`) whose very file (its SHA-256) is recorded
    /// shipped to the destination and whose copy passes a check again now: there, of the
    /// recorded size, and of the recorded hash when the destination reports one (no download:
    /// a copy checked by downloading it at shipping is taken on its size). Never any other
    /// clip: one not shipped, shipped as an earlier file, or whose copy fails the check stays
    /// (and a copy missing or changed is recorded failed, so that the next `ship` sends it again).
    ///
    /// A deleted clip becomes `pruned`, as with `keep_days`: no backup fetches it again, none
    /// reports it lost, `verify` leaves it out, and `verify --remote` still checks its copy.
    ///
    /// - Parameter now: "today" is `now`'s day in each camera's zone.
    /// - Throws: `BackupError.locked` when a backup holds the archive; `CatalogError`;
    ///   `BackupError.archive`; the file system's error when a file cannot be deleted;
    ///   `CancellationError` (what is deleted until then is recorded).
    public func pruneLocalCopies(keepDays: Int, now: Date = Date(), timeZone: @Sendable (CameraID) -> TimeZone,
                                 events: @Sendable (Event) -> Void = { _ in }) async throws -> PruneSummary {
        let lock = try folder.lock()
        defer { withExtendedLifetime(lock) {} }
        let catalog = try Catalog(path: folder.catalogPath)
        var cutoffs: [CameraID: Int64] = [:]
        func isOld(_ clip: Catalog.Clip) throws -> Bool {
            let cutoff = try cutoffs[clip.camera]
                ?? ArchiveFolder.keepCutoff(keepDays: keepDays, now: Int64(now.timeIntervalSince1970), timeZone: timeZone(clip.camera))
            cutoffs[clip.camera] = cutoff
            return clip.start < cutoff
        }
        var summary = PruneSummary()
        summary.notShipped = try await catalog.unshipped(to: destination.identity).filter(isOld).count
        let check = RemoteCheck(destination: destination, scratch: folder.temporary)
        for shipped in try await catalog.shipped(to: destination.identity) {
            let clip = shipped.clip, shipment = shipped.shipment
            guard ClipState.withFile.contains(clip.state), let file = clip.file, clip.sha256 == shipment.sha256, try isOld(clip) else { continue }
            try Task.checkCancellation()
            let size = shipment.copy?.size ?? clip.size ?? -1
            let verdict: RemoteCheck.Verdict
            do {
                verdict = try await check.check(file, size: size, sha256: shipment.sha256, recorded: shipment.copy, download: false)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                verdict = .differs(.unchecked, "could not be checked: \(error)")
            }
            switch verdict {
            case .matches, .sizeMatches:
                try folder.removeClip(file: file)
                try await catalog.mark(.pruned, clip.key)
                summary.deleted.append(file)
                logger.info("deleted the local copy", metadata: ["file": "\(file)", "destination": "\(destination.identity)"])
                events(.deletedLocal(path: file))
            case .differs(let kind, let detail):
                // A copy gone or changed is shipped again by the next run.
                if kind != .unchecked {
                    try await catalog.markShipFailed(clip.key, to: destination.identity, sha256: shipment.sha256, error: "the copy \(detail)")
                }
                summary.kept.append(RemoteProblem(file: file, kind: kind, detail: detail))
                logger.warning("kept the local copy: the remote copy fails its check", metadata: ["file": "\(file)", "reason": "\(detail)"])
                events(.keptLocal(path: file, reason: detail))
            case .localDiffers(let detail):
                summary.kept.append(RemoteProblem(file: file, kind: .unchecked, detail: detail))
                events(.keptLocal(path: file, reason: detail))
            }
        }
        return summary
    }
}

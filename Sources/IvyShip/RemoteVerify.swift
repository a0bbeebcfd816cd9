import Foundation
import IvyArchive
import IvyConcurrency
import IvyDomain
public import Logging

/// `verify --remote`: checks every clip recorded shipped to a destination, pruned ones
/// included, against what was shipped: the copy is there, of the recorded size, and of the
/// recorded hash (the destination's own by the strongest algorithm it reports; else SHA-256 of
/// a downloaded copy). A copy found missing or different is recorded failed in the catalog,
/// so that the next backup ships the clip again while its file is in the archive (one deleted
/// by `keep_local_days` has no file left to ship: it is listed in `lostCopies` and wanted
/// again). Nothing else in the archive is written.
public enum RemoteVerify {
    public struct Report: Sendable, Codable {
        /// The destination's identity.
        public var destination: String
        /// Copies checked.
        public var checked = 0
        /// By file.
        public var problems: [RemoteProblem] = []
        /// Clips whose file is in the archive without a checked copy of it at the destination
        /// (not shipped yet, failed, or archived again since): not problems of the copies.
        public var notShipped = 0
        /// Copies found missing or different whose clip has its file in the archive: the next
        /// backup ships them again.
        public var reship: [String] = []
        /// Copies found missing or different whose clip's local file was deleted
        /// (`keep_local_days`): the copy was the only one. Such a clip is wanted again: a
        /// backup fetches it while the cloud lists it, and reports it lost otherwise.
        public var lostCopies: [String] = []
    }

    /// - Parameters:
    ///   - jobs: copies checked at once.
    ///   - scratch: where copies are downloaded to be hashed, one at a time per job, each
    ///     removed at once; nil: the system's temporary folder.
    ///   - progress: copies done, and of how many.
    /// - Throws: `ArchiveFolderError` when the folder is not an archive; `CatalogError`;
    ///   `CancellationError`. A copy that cannot be checked (rclone failed) is a problem of
    ///   kind `unchecked`, not an error.
    public static func run(archive: String, destination: any Destination, jobs: Int = 4, scratch: String? = nil, logger: Logger,
                           progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let folder = try ArchiveFolder.open(archive)
        let catalog = try Catalog(path: folder.catalogPath)
        let shipped = try await catalog.shipped(to: destination.identity)
        var report = Report(destination: destination.identity, notShipped: try await catalog.unshipped(to: destination.identity).count)
        let check = RemoteCheck(destination: destination, scratch: scratch ?? NSTemporaryDirectory() + "/ivy-remote-check")
        try await BoundedConcurrency.forEach(shipped, limit: jobs, order: .completion) { item -> RemoteProblem? in
            let file = item.clip.file ?? "\(item.clip.key)"
            let size = item.shipment.copy?.size ?? item.clip.size ?? -1
            do {
                switch try await check.check(file, size: size, sha256: item.shipment.sha256, recorded: item.shipment.copy) {
                case .matches, .sizeMatches: return nil
                case .differs(let kind, let detail): return RemoteProblem(file: file, kind: kind, detail: detail)
                case .localDiffers(let detail): return RemoteProblem(file: file, kind: .unchecked, detail: detail)
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                try Task.checkCancellation()
                return RemoteProblem(file: file, kind: .unchecked, detail: "could not be checked: \(error)")
            }
        } handle: { _, problem in
            report.checked += 1
            progress(report.checked, shipped.count)
            if let problem {
                logger.warning("remote copy problem", metadata: ["file": "\(problem.file)", "problem": "\(problem.detail)"])
                report.problems.append(problem)
            }
        }
        report.problems.sort { $0.file < $1.file }
        // A bad copy must not stay recorded as a good one: the next backup ships it again.
        for problem in report.problems where problem.kind != .unchecked {
            guard let item = shipped.first(where: { ($0.clip.file ?? "\($0.clip.key)") == problem.file }) else { continue }
            try await catalog.markShipFailed(item.clip.key, to: destination.identity, sha256: item.shipment.sha256,
                                             error: "verify --remote: the copy \(problem.detail)")
            if ClipState.withFile.contains(item.clip.state) {
                report.reship.append(problem.file)
            } else {
                // Its only copy is bad: wanted again, so that a backup fetches it while the cloud
                // lists it, and reports it lost when the cloud no longer does.
                try await catalog.mark(.failed, item.clip.key)
                report.lostCopies.append(problem.file)
            }
        }
        return report
    }
}

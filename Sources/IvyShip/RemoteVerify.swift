import Foundation
import IvyArchive
import IvyConcurrency
public import Logging

/// `verify --remote`: checks every clip recorded shipped to a destination, pruned ones
/// included, against what was shipped: the copy is there, of the recorded size, and of the
/// recorded hash (the destination's own by the strongest algorithm it reports; else SHA-256 of
/// a downloaded copy). Reads the catalog only; writes nothing in the archive.
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
        let catalog = try Catalog(path: folder.catalogPath, readOnly: true)
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
        return report
    }
}
